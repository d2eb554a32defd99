using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Parley.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> of its own on 127.0.0.1, a free port and a fresh directory, with
/// persistence on (<c>--appendonly yes --appendfsync always</c>), so that <see cref="StopAsync"/>
/// (a kill, as a crash) then <see cref="StartAgainAsync"/> brings back everything acknowledged.
/// Usable as an xunit class fixture or through <see cref="StartAsync"/>. test.sh installs
/// redis-server when it is missing.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _directory = TempDirectory.Create();
    private Process? _process;

    public int Port { get; private set; }

    /// <summary><c>127.0.0.1:PORT</c>, as <c>RedisStoreOptions.Configuration</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    private string LogFile => Path.Combine(_directory, "redis.log");

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        try
        {
            await server.InitializeAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Starts on a free port; tries a few ports in case another process takes the one picked.</summary>
    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Tcp();
            try
            {
                await StartProcessAsync();
                return;
            }
            catch (RedisStartException) when (attempt < 3 && ReadLog().Contains("Address already in use", StringComparison.Ordinal))
            {
                // Lost the race for the port: pick another.
            }
        }
    }

    /// <summary>Kills the server (SIGKILL, like a crash) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        using var process = _process;
        _process = null;
        if (!process.HasExited)
            process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Starts the server again on the same port and directory; it reloads its append-only file.</summary>
    public Task StartAgainAsync()
    {
        if (IsRunning)
            throw new InvalidOperationException("redis-server is still running");
        return StartProcessAsync();
    }

    /// <summary>
    /// Adds <paramref name="keys"/> filler keys and rewrites the append-only file with them, so the
    /// next start spends a while loading (Redis answers LOADING until it is done).
    /// </summary>
    public async Task FillAsync(int keys)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{Endpoint},allowAdmin=true,asyncTimeout=120000,syncTimeout=120000");
        var database = redis.GetDatabase();
        await database.ExecuteAsync("DEBUG", "POPULATE", keys, "filler", 64);
        await database.ExecuteAsync("BGREWRITEAOF");
        var server = redis.GetServer(Endpoint);
        await Until.TrueAsync(async () => (await server.InfoAsync("persistence")).SelectMany(g => g)
            .Any(p => p.Key == "aof_rewrite_in_progress" && p.Value == "0") && (await server.InfoAsync("persistence")).SelectMany(g => g)
            .Any(p => p.Key == "aof_rewrite_scheduled" && p.Value == "0"), "the append-only file is rewritten", TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempDirectory.Delete(_directory);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", _directory,
            "--save", "", "--appendonly", "yes", "--appendfsync", "always",
            "--daemonize", "no", "--logfile", LogFile,
            // DEBUG POPULATE (FillAsync), from this machine only.
            "--enable-debug-command", "local",
        })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "redis-server is not installed (or not on PATH). Run ./test.sh, which installs it, or `apt-get install redis-server`.", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await PingAsync())
        {
            if (_process.HasExited)
            {
                var code = _process.ExitCode;
                await StopAsync();
                throw new RedisStartException($"redis-server on port {Port} exited with code {code}:\n{ReadLog()}");
            }
            if (DateTime.UtcNow > deadline)
            {
                await StopAsync();
                throw new RedisStartException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s:\n{ReadLog()}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>True when the server answers PING with PONG (not while it is still loading its data).</summary>
    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private string ReadLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return string.Join('\n', lines.TakeLast(20));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private sealed class RedisStartException(string message) : Exception(message);
}
