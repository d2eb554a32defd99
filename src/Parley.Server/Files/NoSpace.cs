namespace Parley.Server.Files;

/// <summary>
/// Whether a file write failed because the disk (or the user's quota) is full: a condition that
/// passes, answered <c>unavailable</c>, not a bug. .NET puts the errno in an <see cref="IOException"/>'s
/// HResult on Unix, and the Win32 error (as an HRESULT) on Windows.
/// </summary>
internal static class NoSpace
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    public static bool Is(Exception ex) =>
        ex is IOException { HResult: Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull };
}
