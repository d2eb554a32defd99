using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Parley.Tests.Support;

/// <summary>
/// `parley serve` as its own process, started the way a user starts it, for what an in-process
/// server cannot show: the printed listener lines, SIGTERM, and being killed outright.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ServerProcess(Process process) => _process = process;

    public int TcpPort { get; private set; }

    public int HttpPort { get; private set; }

    public int IrcPort { get; private set; }

    public int Pid => _process.Id;

    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_stdout)
                return [.. _stdout];
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
                return string.Join('\n', _stderr);
        }
    }

    public static Task<ServerProcess> StartAsync(string dataDirectory, params string[] extraArgs) =>
        StartAsync(dataDirectory, new Dictionary<string, string>(), extraArgs);

    /// <summary>Starts it with extra PARLEY_* (or other) environment variables.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var parley = Path.Combine(AppContext.BaseDirectory, "parley.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(parley);
        start.ArgumentList.Add("serve");
        // Test defaults, unless the test gives its own value for the flag.
        foreach (var (flag, value) in new[] { ("--tcp", "127.0.0.1:0"), ("--http", "127.0.0.1:0"), ("--irc", "127.0.0.1:0"), ("--data", dataDirectory) })
        {
            if (!extraArgs.Contains(flag))
            {
                start.ArgumentList.Add(flag);
                start.ArgumentList.Add(value);
            }
        }
        foreach (var arg in extraArgs)
            start.ArgumentList.Add(arg);
        start.Environment["PARLEY_PASSWORDITERATIONS"] = "1000";
        start.Environment["PARLEY_CONNECTIONS__RATEBURST"] = "100000";
        start.Environment["PARLEY_CONNECTIONS__RATEPERSECOND"] = "100000";
        start.Environment["PARLEY_LIMITS__SIGNINBURST"] = "100000";
        start.Environment["PARLEY_LIMITS__SIGNINPERSECOND"] = "100000";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start parley");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (server._stderr)
                    server._stderr.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The IRC line comes last; a test that switches IRC off with its own --irc does not wait for it.
            var ircExpected = !extraArgs.Contains("--irc");
            await Until.TrueAsync(() => server.TcpPort != 0 && server.HttpPort != 0 && (server.IrcPort != 0 || !ircExpected) || process.HasExited, "parley prints its listeners", TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw;
        }
        if (process.HasExited)
        {
            // Waiting for exit also waits until the redirected output has been read to its end.
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"parley serve exited with {process.ExitCode}: {server.StandardError}");
        }
        return server;
    }

    private void OnStdout(string? line)
    {
        if (line is null)
            return;
        lock (_stdout)
            _stdout.Add(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            var port = int.Parse(match.Groups[2].Value);
            switch (match.Groups[1].Value)
            {
                case "tcp":
                    TcpPort = port;
                    break;
                case "http":
                    HttpPort = port;
                    break;
                default:
                    IrcPort = port;
                    break;
            }
        }
    }

    [GeneratedRegex(@"^listening (tcp|http|irc) 127\.0\.0\.1:(\d+)$")]
    private static partial Regex ListeningLine();

    public Task<LineClient> ConnectAsync() => LineClient.ConnectAsync(TcpPort);

    /// <summary>SIGKILL: no clean stop, nothing flushed by the process itself.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
