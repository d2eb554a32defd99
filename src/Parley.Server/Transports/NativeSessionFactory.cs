using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>Makes native-protocol sessions for both transports, wired to logging and to graceful shutdown.</summary>
public sealed class NativeSessionFactory(
    ChatHub hub,
    JsonEventEncoder encoder,
    ParleyOptions options,
    TimeProvider time,
    ConnectionsPerAddress connections,
    IHostApplicationLifetime lifetime,
    ILogger<NativeSessionFactory> logger)
{
    // One delegate for every session, rather than a closure each.
    private readonly Action<string, Exception> _reportFailure = (request, ex) => Log.RequestFailed(logger, request, ex);

    public ILogger Logger => logger;

    /// <summary>
    /// A new session, wired to the log, and counted against its address (closed at once when that
    /// has its fill: <see cref="ConnectionsPerAddress"/>), unless its transport counted its
    /// connection already (<paramref name="admission"/>).
    /// </summary>
    public NativeSession Create(IPAddress? remote, AddressAdmission admission = AddressAdmission.CountSession)
    {
        var session = new NativeSession(hub, encoder, options.Connections, time, remote?.ToString());
        session.Failed += _reportFailure;
        connections.Admit(session, admission);
        return session;
    }

    /// <summary>A session of the operator's (the admin socket): the <c>admin.*</c> ops are allowed on it.</summary>
    public NativeSession CreateOperator()
    {
        var session = new NativeSession(hub, encoder, options.Connections, time, remoteAddress: null, isOperator: true);
        session.Failed += _reportFailure;
        return session;
    }

    /// <summary>
    /// Closes the session when the host begins to stop; dispose the registration when the
    /// connection ends. (TCP connections need none: their listener closes them.)
    /// </summary>
    public IDisposable CloseOnShutdown(NativeSession session) =>
        lifetime.ApplicationStopping.Register(static s => ((NativeSession)s!).Close(ByeReasons.Shutdown), session);
}
