using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Receive and send on a connection's socket without waiting. <c>direct</c> (the epoll transport,
/// Linux only) makes the plain system calls on a descriptor made non-blocking here: the runtime's
/// own non-blocking mode gives every socket an async context (with its locks)
/// even when no async operation ever runs on it. Otherwise (the sockets transport), the runtime's
/// non-blocking socket.
/// </summary>
internal static class NonBlockingSocket
{
    private const int GetFlags = 3;
    private const int SetFlags = 4;
    private const int NoSignal = 0x4000;

    public static void MakeNonBlocking(Socket socket, bool direct)
    {
        if (!direct)
        {
            socket.Blocking = false;
            return;
        }
        var flags = fcntl(socket.SafeHandle, GetFlags, 0);
        if (flags < 0 || fcntl(socket.SafeHandle, SetFlags, flags | Libc.NonBlocking) < 0)
            throw new SocketException(Marshal.GetLastPInvokeError());
    }

    /// <summary>Bytes received (0: the peer closed its side), or -1 with <see cref="SocketError.WouldBlock"/> or another error.</summary>
    public static int Receive(Socket socket, bool direct, Span<byte> buffer, out SocketError error)
    {
        if (!direct)
            return socket.Receive(buffer, SocketFlags.None, out error);
        while (true)
        {
            var received = recv(socket.SafeHandle, ref MemoryMarshal.GetReference(buffer), buffer.Length, 0);
            if (received >= 0)
            {
                error = SocketError.Success;
                return (int)received;
            }
            if (ErrorOf(out error))
                return -1;
        }
    }

    /// <summary>Bytes the kernel took, or -1 with <see cref="SocketError.WouldBlock"/> (its buffer is full) or another error.</summary>
    public static int Send(Socket socket, bool direct, ReadOnlySpan<byte> buffer, out SocketError error)
    {
        if (!direct)
            return socket.Send(buffer, SocketFlags.None, out error);
        while (true)
        {
            // No SIGPIPE for a peer that reset: the error is enough.
            var sent = send(socket.SafeHandle, ref MemoryMarshal.GetReference(buffer), buffer.Length, NoSignal);
            if (sent >= 0)
            {
                error = SocketError.Success;
                return (int)sent;
            }
            if (ErrorOf(out error))
                return -1;
        }
    }

    // False when the call was interrupted and must be made again.
    private static bool ErrorOf(out SocketError error)
    {
        var errno = Marshal.GetLastPInvokeError();
        error = errno == Libc.TryAgain ? SocketError.WouldBlock : SocketError.SocketError;
        return errno != Libc.Interrupted;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(SafeHandle fd, int command, int argument);

    [DllImport("libc", SetLastError = true)]
    private static extern nint recv(SafeHandle fd, ref byte buffer, nint length, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint send(SafeHandle fd, ref byte buffer, nint length, int flags);
}
