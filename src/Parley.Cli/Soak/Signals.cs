using System.Runtime.InteropServices;

namespace Parley.Cli.Soak;

/// <summary>POSIX signals to a process the harness started (Linux numbering).</summary>
internal static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>Returns false when the process is gone.</summary>
    public static bool Send(int pid, int signal) => SendSignal(pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
