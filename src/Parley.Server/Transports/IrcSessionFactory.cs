using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Protocol.Irc;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>Makes IRC sessions, wired to logging and to graceful shutdown, with the native protocol's limits.</summary>
public sealed class IrcSessionFactory(
    ChatHub hub,
    IrcEventEncoder encoder,
    IrcServerInfo info,
    ParleyOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<IrcSessionFactory> logger)
{
    // One delegate for every session, rather than a closure each.
    private readonly Action<string, Exception> _reportFailure = (request, ex) => Log.RequestFailed(logger, request, ex);

    public ILogger Logger => logger;

    /// <summary>A new session, and a registration (dispose it when the connection ends) that closes it on shutdown.</summary>
    public (IrcSession Session, IDisposable ShutdownHook) Create(IPAddress? remote)
    {
        var session = new IrcSession(hub, encoder, info, options.Connections, time, remote?.ToString());
        session.Failed += _reportFailure;
        var hook = lifetime.ApplicationStopping.Register(() => session.Close(ByeReasons.Shutdown));
        return (session, hook);
    }
}
