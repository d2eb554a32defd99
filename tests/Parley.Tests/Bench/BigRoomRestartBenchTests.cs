using System.Diagnostics;
using System.Globalization;
using Parley.Cli.Bench;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench bigroom --restart` against a real `parley serve` process: the bench stops it with
/// SIGTERM and starts the same command again, every connection resumes with its token, the
/// observers catch up on history, and nothing acknowledged is lost or duplicated. The server
/// must listen on fixed ports (port 0 would move on restart). No timing is asserted.
/// </summary>
public sealed class BigRoomRestartBenchTests
{
    [Fact]
    public async Task Bigroom_restart_resumes_everyone_and_loses_nothing()
    {
        var data = TempDirectory.Create();
        var (tcp, http, irc) = (FreePort.Tcp(), FreePort.Tcp(), FreePort.Tcp());
        int? restarted = null;
        var original = 0;
        try
        {
            await using var server = await ServerProcess.StartAsync(data,
                "--tcp", $"127.0.0.1:{tcp}", "--http", $"127.0.0.1:{http}", "--irc", $"127.0.0.1:{irc}");
            original = server.Pid;
            var settings = ShortBenchRun.Settings("bigroom", BenchProto.Native, server.TcpPort) with
            {
                Members = 30,
                Senders = 2,
                Receivers = 5,
                Rate = 20,
                Room = "lobby",
                Settle = TimeSpan.FromSeconds(1),
                Drain = TimeSpan.FromSeconds(5),
                ServerPid = server.Pid,
                Restart = true,
                // One at a time, senders first: chat resumes before the observers are back, so they
                // must catch up on history (the path under test), and the order is certain.
                ConnectConcurrency = 1,
                Timeout = TimeSpan.FromSeconds(45),
            };
            var result = await ShortBenchRun.RunAsync(settings);

            restarted = result.GetProperty("restart_server_pid").GetInt32();
            Assert.NotEqual(server.Pid, restarted);
            var restart = result.GetProperty("restart");
            Assert.Equal(37, restart.GetProperty("connections").GetInt32());
            Assert.Equal(37, restart.GetProperty("resumed").GetInt32());
            Assert.Equal(0, restart.GetProperty("failed").GetInt32());
            Assert.Equal(5, restart.GetProperty("observers_checked").GetInt32());
            Assert.True(restart.GetProperty("acknowledged").GetInt64() > 0, restart.ToString());
            Assert.Equal(0, restart.GetProperty("lost").GetInt64());
            Assert.Equal(0, restart.GetProperty("duplicated").GetInt64());
            Assert.Equal(0, restart.GetProperty("out_of_order").GetInt64());
            Assert.True(restart.GetProperty("caught_up").GetInt64() > 0, restart.ToString());
            Assert.True(restart.GetProperty("listening_s").GetDouble() > 0, restart.ToString());
            Assert.True(restart.GetProperty("resumed_s").GetDouble() > 0, restart.ToString());

            // Chat went on through the restart and after it, at the observers, with nothing lost.
            var chat = result.GetProperty("restart_chat");
            Assert.True(chat.GetProperty("sent").GetInt64() > 0, chat.ToString());
            Assert.Equal(0, chat.GetProperty("lost").GetInt64());
            var disconnect = result.GetProperty("disconnect");
            Assert.True(disconnect.GetProperty("sent").GetInt64() > 0, disconnect.ToString());
            Assert.Equal(0, disconnect.GetProperty("lost").GetInt64());

            // The new server serves the same accounts on the same port, and keeps running after the bench.
            Assert.True(ServerRestart.IsRunning(restarted.Value));
            await using var client = await LineClient.ConnectAsync(tcp);
            await client.OkAsync("login", new { user = "bench0", password = "benchpass1" });
        }
        finally
        {
            // Whatever happened, stop the server the bench started (found by its port if the run failed).
            var pid = restarted ?? ProcessInfo.FindListener(tcp);
            if (pid != 0 && ServerRestart.IsRunning(pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                await Until.TrueAsync(() => !ServerRestart.IsRunning(pid), "the restarted server ends");
            }
            File.Delete(Path.Combine(Path.GetTempPath(), $"parley-bench-restarted-{original.ToString(CultureInfo.InvariantCulture)}.log"));
            TempDirectory.Delete(data);
        }
    }

    [Theory]
    [InlineData("bigroom", BenchProto.Irc)]
    [InlineData("bigroom", BenchProto.Ws)]
    [InlineData("fanout", BenchProto.Native)]
    public async Task Restart_is_refused_but_for_bigroom_over_native(string workload, BenchProto proto)
    {
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var settings = ShortBenchRun.Settings(workload, proto, 1) with { Restart = true };
        var exit = await BenchCommand.RunAsync(settings, output, error, terminal: false, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains("--restart works with bigroom over --proto native only", error.Text);
    }
}
