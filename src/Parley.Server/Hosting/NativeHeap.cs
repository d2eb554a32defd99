using System.Runtime.InteropServices;

namespace Parley.Server.Hosting;

/// <summary>
/// The C heap under the managed one. glibc keeps what native code (SQLite, the runtime itself)
/// freed in its per-thread arenas instead of returning it, so after a storm of sign-ins several
/// megabytes of free pages stay resident until asked back.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Returns the C heap's free pages to the system, where that is glibc; elsewhere does nothing.</summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): nothing to ask.
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);
}
