using System.Net;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Protocol.Irc;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>Makes IRC sessions, wired to logging, with the native protocol's limits.</summary>
public sealed class IrcSessionFactory(
    ChatHub hub,
    IrcEventEncoder encoder,
    IrcServerInfo info,
    ParleyOptions options,
    TimeProvider time,
    ConnectionsPerAddress connections,
    ILogger<IrcSessionFactory> logger)
{
    // One delegate for every session, rather than a closure each.
    private readonly Action<string, Exception> _reportFailure = (request, ex) => Log.RequestFailed(logger, request, ex);

    public ILogger Logger => logger;

    /// <summary>
    /// A new session, wired to the log, and counted against its address (closed at once when that
    /// has its fill: <see cref="ConnectionsPerAddress"/>), unless its transport counted its
    /// connection already (<paramref name="admission"/>).
    /// </summary>
    public IrcSession Create(IPAddress? remote, AddressAdmission admission = AddressAdmission.CountSession)
    {
        var session = new IrcSession(hub, encoder, info, options.Connections, time, remote?.ToString());
        session.Failed += _reportFailure;
        connections.Admit(session, admission);
        return session;
    }
}
