using System.CommandLine;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>`parley cert` makes a pair the server serves, and `parley chat --pin` / `--ca` trusts it from what it printed.</summary>
public sealed class CertCommandTests
{
    private static (int Exit, string Output, string Error) RunCert(params string[] args)
    {
        var command = new CertCommand();
        var root = new RootCommand { command.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = command.Run(root.Parse(["cert", .. args]), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<(int Exit, string Error)> ChatAsync(string server, string user, string text, string? pin = null, string? ca = null)
    {
        var input = new LineInput();
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings(server, user, "lobby", PasswordStdin: false, Register: true, "password1") { Pin = pin, CaFile = ca };
        var exit = Task.Run(() => ChatCommand.RunAsync(settings, input, output, error, interactive: false, CancellationToken.None));
        input.Send(text);
        input.End();
        return (await exit.WaitAsync(TimeSpan.FromSeconds(30)), error.Text);
    }

    [Fact]
    public async Task Parley_cert_makes_a_pair_the_server_serves_and_parley_chat_trusts_by_its_pin_or_as_its_ca()
    {
        var directory = TempDirectory.Create();
        try
        {
            var cert = Path.Combine(directory, "c.pem");
            var key = Path.Combine(directory, "k.pem");
            var (exit, output, error) = RunCert("--cert", cert, "--key", key, "--name", "localhost", "127.0.0.1");
            Assert.True(exit == 0, error);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            var pin = output.Split('\n').Single(l => l.StartsWith("sha256 ", StringComparison.Ordinal))["sha256".Length..].Trim();

            await using var server = await TestServer.StartAsync(new() { ["TlsCert"] = cert, ["TlsKey"] = key, ["TcpTls"] = "127.0.0.1:0" });
            await using var bob = await server.RegisterAsync("bob");
            var address = $"127.0.0.1:{server.Server.TcpTlsEndpoint!.Port}";
            var pinned = await ChatAsync(address, "alice", "hello from a pinned chat", pin: pin);
            Assert.True(pinned.Exit == 0, pinned.Error);
            var message = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "alice");
            Assert.Equal("hello from a pinned chat", message.GetProperty("text").GetString());
            var trusted = await ChatAsync(address, "carol", "hello from a chat with a CA file", ca: cert);
            Assert.True(trusted.Exit == 0, trusted.Error);
            await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "carol");

            var wrong = await ChatAsync(address, "mallory", "never sent", pin: TestCertificate.NewPair().Sha256Fingerprint);
            Assert.Equal(1, wrong.Exit);
            Assert.Contains($"cannot connect to {address}", wrong.Error);

            var again = RunCert("--cert", cert, "--key", key);
            Assert.Equal(1, again.Exit);
            Assert.Contains("exists (--force overwrites it)", again.Error);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}
