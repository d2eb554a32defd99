using System.Runtime.InteropServices;

namespace Parley.Cli.Bench;

/// <summary>Raises this process's open-file limit (RLIMIT_NOFILE) to its hard limit, so thousands of connections fit.</summary>
public static partial class FileLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);

    /// <summary>Returns the soft limit after trying to raise it to at least <paramref name="wanted"/> (up to the hard limit); null off Linux.</summary>
    public static long? Raise(long wanted)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            if (getrlimit(RlimitNofile, out var limit) != 0)
                return null;
            if (limit.Current >= (ulong)wanted)
                return (long)limit.Current;
            limit.Current = Math.Min(limit.Max, Math.Max((ulong)wanted, limit.Current));
            setrlimit(RlimitNofile, ref limit);
            getrlimit(RlimitNofile, out limit);
            return (long)limit.Current;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
