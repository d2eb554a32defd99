using System.Diagnostics;
using System.Globalization;
using Parley.Cli.Bench;

namespace Parley.Cli.Soak;

/// <summary>
/// One `parley serve` process owned by the run: this very program started again with `serve`, on
/// loopback ports picked once (a restart comes back on the same ones), its own data directory, and
/// its standard output and error appended to one log file across restarts.
/// </summary>
public sealed class ParleyNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly IReadOnlyList<string> _extraArgs;
    private readonly StreamWriter _log;
    private readonly object _logLock = new();
    private Process? _process;
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ParleyNode(string name, string directory, string logDirectory, IReadOnlyList<string> extraArgs)
    {
        Name = name;
        DataDirectory = Path.Combine(directory, name);
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(logDirectory);
        LogPath = Path.Combine(logDirectory, name + ".log");
        _log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        _extraArgs = extraArgs;
        TcpPort = LocalPort.Free();
        HttpPort = LocalPort.Free();
        IrcPort = LocalPort.Free();
    }

    public string Name { get; }

    public string DataDirectory { get; }

    public string LogPath { get; }

    public int TcpPort { get; }

    public int HttpPort { get; }

    public int IrcPort { get; }

    public int Pid => _process?.Id ?? 0;

    /// <summary>True between a start and a kill; a stopped (SIGSTOP) node counts as up.</summary>
    public bool IsUp => _process is { HasExited: false };

    public int Starts { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        start.ArgumentList.Add(typeof(ParleyNode).Assembly.Location);
        start.ArgumentList.Add("serve");
        foreach (var argument in (string[])["--tcp", Endpoint(TcpPort), "--http", Endpoint(HttpPort), "--irc", Endpoint(IrcPort), "--data", DataDirectory, .. _extraArgs])
            start.ArgumentList.Add(argument);
        // Fast password hashing, so that setting up hundreds of accounts takes seconds; every other
        // limit (rate limits included) stays at its default, which the flooding clients must meet.
        start.Environment["PARLEY_PASSWORDITERATIONS"] = "1000";
        start.Environment["PARLEY_LIMITS__SIGNINBURST"] = "1000";
        start.Environment["PARLEY_LIMITS__SIGNINPERSECOND"] = "1000";

        _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new SoakSetupException($"{Name}: could not start parley serve");
        _process?.Dispose();
        _process = process;
        Starts++;
        Write($"---- soak: {Name} start {Starts}, pid {process.Id}, {DateTime.UtcNow:O}");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            Write(e.Data);
            if (e.Data.StartsWith("listening irc ", StringComparison.Ordinal))
                _listening.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Write(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(StartTimeout, cancellationToken)).ConfigureAwait(false);
        if (first != _listening.Task)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new SoakSetupException($"{Name} did not print its listeners within {StartTimeout.TotalSeconds} s (exited: {process.HasExited}); see {LogPath}");
        }
    }

    /// <summary>SIGKILL, as a crash: nothing flushed or said goodbye.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        Signals.Send(process.Id, Signals.Cont);
        Signals.Send(process.Id, Signals.Kill);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        Write($"---- soak: {Name} killed (SIGKILL), {DateTime.UtcNow:O}");
    }

    public void Pause()
    {
        if (_process is { } process && Signals.Send(process.Id, Signals.Stop))
            Write($"---- soak: {Name} SIGSTOP, {DateTime.UtcNow:O}");
    }

    public void Resume()
    {
        if (_process is { } process && Signals.Send(process.Id, Signals.Cont))
            Write($"---- soak: {Name} SIGCONT, {DateTime.UtcNow:O}");
    }

    /// <summary>SIGTERM and wait for the graceful stop; returns its exit code (null if it had to be killed).</summary>
    public async Task<int?> TerminateAsync(TimeSpan grace)
    {
        if (_process is not { } process || process.HasExited)
            return null;
        Signals.Send(process.Id, Signals.Cont);
        Signals.Send(process.Id, Signals.Term);
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(grace).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (TimeoutException)
        {
            await KillAsync().ConfigureAwait(false);
            return null;
        }
    }

    public long? ResidentBytes() => _process is { HasExited: false } process ? ProcessInfo.ResidentBytes(process.Id) : null;

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
            await KillAsync().ConfigureAwait(false);
        _process?.Dispose();
        lock (_logLock)
            _log.Dispose();
    }

    private void Write(string line)
    {
        lock (_logLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The run is over; a last line from a dying process has nowhere to go.
            }
        }
    }

    private static string Endpoint(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    /// <summary>The dotnet host that runs this program (so a test host and `dotnet parley.dll` both work).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
