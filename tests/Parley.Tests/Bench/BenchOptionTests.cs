using Parley.Cli.Commands;

namespace Parley.Tests.Bench;

/// <summary>`parley bench`'s command line: options whose values it reads itself.</summary>
public sealed class BenchOptionTests
{
    [Fact]
    public void Servers_are_host_port_pairs_and_anything_else_is_refused_with_the_reason()
    {
        var command = new BenchCommand().Create();
        Assert.Empty(command.Parse("rooms --servers 127.0.0.1:37878,localhost:37879").Errors);
        Assert.Contains(command.Parse("rooms --servers 127.0.0.1:37878,127.0.0.1").Errors, e => e.Message.Contains("'127.0.0.1' is not HOST:PORT"));
        Assert.Contains(command.Parse("rooms --servers 127.0.0.1:70000").Errors, e => e.Message.Contains("is not HOST:PORT"));
        Assert.Contains(command.Parse("rooms --servers ,").Errors, e => e.Message.Contains("at least one HOST:PORT"));
    }
}
