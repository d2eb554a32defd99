using Microsoft.Extensions.Hosting;

namespace Parley.Server.Hosting;

/// <summary>
/// Why the server stopped by itself, if it did: a part it cannot serve without has failed (the
/// epoll thread). The server stops rather than go on half working, and `parley serve` exits with
/// code 1 and this reason, so a supervisor restarts it.
/// </summary>
public sealed class ServerFault(IHostApplicationLifetime lifetime)
{
    private string? _reason;

    /// <summary>The first failure reported, or null.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    public void StopServer(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        lifetime.StopApplication();
    }
}
