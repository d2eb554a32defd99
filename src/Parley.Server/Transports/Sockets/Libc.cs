namespace Parley.Server.Transports.Sockets;

/// <summary>The Linux values the transport's system calls use (x86-64 and arm64 share them).</summary>
internal static class Libc
{
    /// <summary>errno EINTR: a signal interrupted the call; make it again.</summary>
    public const int Interrupted = 4;

    /// <summary>errno EAGAIN: a non-blocking call found nothing to do.</summary>
    public const int TryAgain = 11;

    /// <summary>O_NONBLOCK, also EFD_NONBLOCK and the non-blocking flag of epoll_create1's kin.</summary>
    public const int NonBlocking = 0x800;

    /// <summary>O_CLOEXEC, also EPOLL_CLOEXEC and EFD_CLOEXEC.</summary>
    public const int CloseOnExec = 0x80000;
}
