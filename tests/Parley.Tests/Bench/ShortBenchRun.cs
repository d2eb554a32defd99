using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench` run in process for about a second, and what every run must report: exit 0, one
/// JSON line naming its workload and protocol, its parameters and CPUs, no errors, a summary.
/// </summary>
internal static class ShortBenchRun
{
    public static BenchSettings Settings(string workload, BenchProto proto, int port) => new()
    {
        Workload = workload,
        Proto = proto,
        Port = port,
        Receivers = 5,
        Senders = 2,
        Rooms = 4,
        Members = 3,
        Connections = 20,
        Rate = 2000,
        Warmup = TimeSpan.FromMilliseconds(300),
        Duration = TimeSpan.FromSeconds(1),
        Settle = TimeSpan.FromMilliseconds(200),
        Timeout = TimeSpan.FromSeconds(60),
    };

    public static async Task<JsonElement> RunAsync(BenchSettings settings)
    {
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        // Cancelled, not just abandoned, when it overruns: a run left going would load the next tests.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exit = await BenchCommand.RunAsync(settings, output, error, terminal: false, limit.Token).WaitAsync(TimeSpan.FromSeconds(100));
        Assert.True(exit == 0, $"exit {exit}: {error.Text}\n{output.Text}");
        var json = Assert.Single(output.Lines, l => l.StartsWith('{'));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        Assert.Equal(settings.Workload, root.GetProperty("workload").GetString());
        Assert.Equal(settings.Proto.Name(), root.GetProperty("proto").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("params").ValueKind);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("cpus").GetString()));
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.Contains("parley bench " + settings.Workload, output.Text);
        return root;
    }
}
