using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Soak;

/// <summary>
/// A real redis-server owned by the run, on loopback, with AOF on (<c>--appendonly yes
/// --appendfsync always</c>: the setting under which Parley promises that nothing acknowledged is
/// lost), so that a kill and a start again bring back everything it acknowledged.
/// </summary>
public sealed class RedisNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private Process? _process;

    public RedisNode(string directory)
    {
        _directory = Path.Combine(directory, "redis");
        Directory.CreateDirectory(_directory);
        Port = LocalPort.Free();
    }

    public int Port { get; }

    public string LogPath => Path.Combine(_directory, "redis.log");

    public int Pid => _process?.Id ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        foreach (var argument in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", _directory,
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--logfile", LogPath,
        })
        {
            start.ArgumentList.Add(argument);
        }
        try
        {
            _process = Process.Start(start) ?? throw new SoakSetupException("redis-server did not start");
        }
        catch (Win32Exception ex)
        {
            throw new SoakSetupException("--cluster needs redis-server on PATH (apt-get install redis-server)", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!await PingAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_process.HasExited)
                throw new SoakSetupException($"redis-server exited with code {_process.ExitCode}; see {LogPath}");
            if (Stopwatch.GetTimestamp() > deadline)
                throw new SoakSetupException($"redis-server did not answer PING within {StartTimeout.TotalSeconds} s; see {LogPath}");
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL, as a crash of Redis: what it has is what its AOF kept.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        if (!process.HasExited)
            process.Kill();
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        process.Dispose();
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    /// <summary>True when it answers PING with PONG (not while it is still loading its AOF).</summary>
    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
