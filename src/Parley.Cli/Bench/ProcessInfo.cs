using System.Globalization;
using System.Runtime.InteropServices;

namespace Parley.Cli.Bench;

/// <summary>Linux /proc readings: which process listens on a port, its resident memory and CPU time, the CPUs a process may run on.</summary>
public static class ProcessInfo
{
    /// <summary>The process with a listening TCP socket on this port (IPv4 or IPv6), or 0 when none is visible.</summary>
    public static int FindListener(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A")
                    continue;
                var local = fields[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0 && int.Parse(local[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                    inodes.Add($"socket:[{fields[9]}]");
            }
        }
        if (inodes.Count == 0)
            return 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                        return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one we may not look into.
            }
        }
        return 0;
    }

    /// <summary>VmRSS of the process in bytes, or null when it cannot be read.</summary>
    public static long? ResidentBytes(int pid) => StatusField(pid, "VmRSS:") is { } value
        && long.TryParse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var kb) ? kb * 1024 : null;

    /// <summary>VmHWM of the process in bytes: its peak resident memory since it started or since <see cref="ResetPeakResidentOfThisProcess"/>; null when it cannot be read.</summary>
    public static long? PeakResidentBytes(int pid) => StatusField(pid, "VmHWM:") is { } value
        && long.TryParse(value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var kb) ? kb * 1024 : null;

    /// <summary>
    /// Lowers this process's peak-resident mark (VmHWM) to its current resident size (Linux 4.0 and
    /// later), so the next reading is the peak of what ran since; false where that cannot be done.
    /// </summary>
    public static bool ResetPeakResidentOfThisProcess()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Returns the C heap's free pages to the system (glibc's malloc_trim), so that a resident-size
    /// reading taken next counts only memory in use; false where there is no glibc.
    /// </summary>
    public static bool TrimNativeHeap()
    {
        try
        {
            _ = malloc_trim(0);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);

    /// <summary>User plus system CPU time the process has used so far, in seconds (from /proc/PID/stat), or null.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: count fields after its end.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; in clock ticks (USER_HZ, 100 on Linux).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Cpus_allowed_list of a process (what taskset set), such as <c>1</c> or <c>0-1</c>.</summary>
    public static string? AllowedCpus(int pid) => StatusField(pid, "Cpus_allowed_list:");

    public static string? AllowedCpusOfThisProcess() => AllowedCpus(Environment.ProcessId);

    private static string? StatusField(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                    return line[name.Length..].Trim();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
