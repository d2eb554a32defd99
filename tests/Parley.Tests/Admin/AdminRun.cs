using System.CommandLine;
using Parley.Cli.Commands;

namespace Parley.Tests.Admin;

/// <summary>`parley admin ARGS` run in this process against captured output, as Program.cs would run it.</summary>
internal static class AdminRun
{
    public sealed record Outcome(int Exit, string Output, string Error);

    public static async Task<Outcome> RunWithInputAsync(string standardInput, params string[] args)
    {
        var command = new AdminCommand();
        var root = new RootCommand { command.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await command.RunAsync(root.Parse(["admin", .. args]), new StringReader(standardInput), output, error, CancellationToken.None);
        return new Outcome(exit, output.ToString(), error.ToString());
    }

    public static Task<Outcome> RunAsync(params string[] args) => RunWithInputAsync("", args);
}
