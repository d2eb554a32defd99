using System.Diagnostics;
using System.Text;

namespace Parley.Cli.Bench;

/// <summary>
/// Stops a running server and starts it again as it was started: the same command line, working
/// directory, environment and CPUs, read from /proc before the stop. The new process is not tied
/// to this one (its output goes to a file, its input is /dev/null), so it keeps running after the
/// bench ends, as the original would have; whoever stopped the original must stop it by its PID.
/// Linux only.
/// </summary>
public sealed class ServerRestart
{
    private ServerRestart(int pid, IReadOnlyList<string> arguments, string directory, IReadOnlyList<KeyValuePair<string, string>> environment, string? cpus)
    {
        Pid = pid;
        Arguments = arguments;
        Directory = directory;
        Environment = environment;
        Cpus = cpus;
    }

    /// <summary>The process as read before the stop.</summary>
    public int Pid { get; }

    public IReadOnlyList<string> Arguments { get; }

    public string Directory { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; }

    /// <summary>Cpus_allowed_list (what taskset set), applied to the new process too; null when unknown.</summary>
    public string? Cpus { get; }

    /// <summary>Reads /proc/PID/cmdline, cwd and environ; they must be readable (the same user).</summary>
    public static ServerRestart Read(int pid)
    {
        try
        {
            var arguments = Split(File.ReadAllBytes($"/proc/{pid}/cmdline"));
            var directory = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget
                ?? throw new IOException($"/proc/{pid}/cwd is not a link");
            var environment = Split(File.ReadAllBytes($"/proc/{pid}/environ"))
                .Select(e => e.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? new KeyValuePair<string, string>(e[..eq], e[(eq + 1)..]) : default)
                .Where(e => e.Key is not null)
                .ToList();
            if (arguments.Count == 0)
                throw new IOException($"/proc/{pid}/cmdline is empty (a kernel thread, or the process has ended)");
            return new ServerRestart(pid, arguments, directory, environment, ProcessInfo.AllowedCpus(pid));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BenchSetupException($"--restart: cannot read how process {pid} was started from /proc ({ex.Message}); is --server-pid the server, run by this user?", ex);
        }
    }

    private static List<string> Split(byte[] nulSeparated) =>
        [.. Encoding.UTF8.GetString(nulSeparated).Split('\0', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>
    /// SIGTERM, then waits up to <paramref name="grace"/> for the process to end (a zombie counts as
    /// ended), then SIGKILL. Returns whether it had to be killed.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        await SignalAsync("-TERM").ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + (long)(grace.TotalSeconds * Stopwatch.Frequency);
        while (IsRunning(Pid))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                await SignalAsync("-KILL").ConfigureAwait(false);
                while (IsRunning(Pid))
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new BenchSetupException("--restart: cannot run `kill`");
        await kill.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>True while /proc/PID exists and is not a zombie (an ended child its parent has not reaped yet).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return state.Length > 0 && state[0] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts the command again through <c>sh</c>, which sets the CPUs (taskset, when present),
    /// sends output to <paramref name="log"/> and input from /dev/null, and execs the command, so the
    /// PID returned is the server's own.
    /// </summary>
    public int Start(string log)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Directory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            if [ -n "$1" ] && command -v taskset >/dev/null 2>&1; then taskset -pc "$1" $$ >/dev/null 2>&1; fi
            log=$2; shift 2
            exec "$@" >"$log" 2>&1 </dev/null
            """);
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(Cpus ?? "");
        start.ArgumentList.Add(log);
        foreach (var argument in Arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in Environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new BenchSetupException("--restart: cannot start the server again");
        return process.Id;
    }
}
