using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// The Linux calls <see cref="EpollReadiness"/> needs. Handles are passed as SafeHandles, so the
/// runtime holds a reference for the length of each call: a descriptor closed meanwhile cannot be
/// reused by another socket under our feet.
/// </summary>
internal static class Epoll
{
    public const int CtlAdd = 1;
    public const uint In = 0x001;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint ReadHangUp = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    // struct epoll_event is packed on x86 and x86-64 (12 bytes), naturally aligned elsewhere (16).
    public static readonly int EventBytes = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;
    public static readonly int DataOffset = EventBytes - 8;

    public static SafeFileHandle Create()
    {
        var fd = epoll_create1(Libc.CloseOnExec);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    public static SafeFileHandle CreateEventFd()
    {
        var fd = eventfd(0, Libc.CloseOnExec | Libc.NonBlocking);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw new SocketException(Marshal.GetLastPInvokeError());
    }

    /// <summary>Adds <paramref name="socket"/> to the set; false (never an exception) if either handle is closed.</summary>
    public static bool Control(SafeFileHandle epoll, int operation, SafeHandle socket, uint events, ulong data)
    {
        Span<byte> entry = stackalloc byte[16];
        MemoryMarshal.Write(entry, in events);
        MemoryMarshal.Write(entry[DataOffset..], in data);
        try
        {
            return epoll_ctl(epoll, operation, socket, ref MemoryMarshal.GetReference(entry)) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits for events into <paramref name="events"/>, at most <paramref name="timeoutMs"/> (-1: for
    /// ever, 0: not at all); their count, or -1 with the error in <paramref name="error"/>.
    /// </summary>
    public static int Wait(SafeFileHandle epoll, byte[] events, int timeoutMs, out int error)
    {
        var count = epoll_wait(epoll, events, events.Length / EventBytes, timeoutMs);
        error = count < 0 ? Marshal.GetLastPInvokeError() : 0;
        return count;
    }

    public static uint EventsOf(byte[] events, int index) => MemoryMarshal.Read<uint>(events.AsSpan(index * EventBytes));

    public static ulong DataOf(byte[] events, int index) => MemoryMarshal.Read<ulong>(events.AsSpan(index * EventBytes + DataOffset));

    public static void Signal(SafeFileHandle eventFd)
    {
        ulong one = 1;
        _ = write(eventFd, ref one, sizeof(ulong));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(SafeFileHandle epoll, int operation, SafeHandle fd, ref byte entry);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(SafeFileHandle epoll, [Out] byte[] events, int maxEvents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int eventfd(uint initial, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(SafeFileHandle fd, ref ulong value, nint count);
}
