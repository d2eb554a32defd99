using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Parley.Cli.Commands;
using Parley.Tests.Support;

namespace Parley.Tests.P2p;

/// <summary>
/// `parley p2p` running in this test through the command's entry point, with its input fed line by line
/// and its output captured. The clock is fake and set to UTC 14:03:12, so printed times are exact.
/// </summary>
public sealed partial class RunningPeer : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 3, 14, 3, 12, TimeSpan.Zero);

    private readonly CancellationTokenSource _interrupt = new();

    private RunningPeer() { }

    public LineInput Input { get; } = new();

    public CapturedOutput Output { get; } = new();

    public CapturedOutput Error { get; } = new();

    public Task<int> Exit { get; private set; } = Task.FromResult(-1);

    /// <summary>The port it listens on, as it printed it.</summary>
    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts it and waits for its "listening" line; fails with its error output if it exits instead.</summary>
    public static async Task<RunningPeer> StartAsync(params string[] args)
    {
        var peer = new RunningPeer();
        peer.Exit = peer.RunAsync(args);
        await Until.TrueAsync(() => peer.Exit.IsCompleted || peer.Output.Lines.Count > 0, "p2p prints its listening line");
        if (peer.Exit.IsCompleted)
            throw new InvalidOperationException($"p2p exited with {await peer.Exit}: {peer.Error}");
        var match = ListeningLine().Match(peer.Output.Lines[0]);
        Assert.True(match.Success, peer.Output.Lines[0]);
        peer.Port = int.Parse(match.Groups[1].Value);
        return peer;
    }

    /// <summary>Runs it to the end with the given input lines, for startup failures and short scripts.</summary>
    public static async Task<RunningPeer> RunToEndAsync(string[] args, params string[] lines)
    {
        var peer = new RunningPeer();
        foreach (var line in lines)
            peer.Input.Send(line);
        peer.Input.End();
        peer.Exit = peer.RunAsync(args);
        await peer.Exit.WaitAsync(Until.DefaultTimeout);
        return peer;
    }

    /// <summary>
    /// A UDP port free a moment ago, for a peer whose address the other must know before it starts. The
    /// first peer of a pair listens on port 0 instead, so only one port is ever chosen this way.
    /// </summary>
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public Task WaitForLineAsync(string line, string? what = null) =>
        Until.TrueAsync(() => Output.Lines.Contains(line), what ?? $"p2p prints \"{line}\"; it printed:\n{Output}");

    /// <summary>What Ctrl-C does: cancels the command's token.</summary>
    public void Interrupt() => _interrupt.Cancel();

    public async Task<int> ExitCodeAsync() => await Exit.WaitAsync(Until.DefaultTimeout);

    private Task<int> RunAsync(string[] args)
    {
        var time = new FakeTimeProvider(Now);
        time.SetLocalTimeZone(TimeZoneInfo.Utc);
        var command = new P2pCommand(time);
        var root = new RootCommand { command.Create() };
        var result = root.Parse(["p2p", .. args]);
        return Task.Run(() => command.RunAsync(result, Input, Output, Error, _interrupt.Token));
    }

    public async ValueTask DisposeAsync()
    {
        Input.End();
        _interrupt.Cancel();
        try
        {
            await Exit.WaitAsync(Until.DefaultTimeout);
        }
        finally
        {
            _interrupt.Dispose();
        }
    }

    [GeneratedRegex(@"^p2p: listening on 127\.0\.0\.1:(\d+) ")]
    private static partial Regex ListeningLine();
}
