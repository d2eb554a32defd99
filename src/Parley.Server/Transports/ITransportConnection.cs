using System.IO.Pipelines;
using System.Net;

namespace Parley.Server.Transports;

/// <summary>
/// One accepted connection as a line protocol sees it: bytes in and out, and being told when input
/// arrives, so that nothing needs to wait on an idle connection. A transport implements it (epoll
/// or the runtime's sockets, <see cref="Sockets.TcpConnection"/>; TLS would wrap one) and knows
/// nothing of sessions or protocols: what it serves is an <see cref="IConnectionApplication"/>.
/// Whoever serves it owns it and disposes it when done.
/// </summary>
public interface ITransportConnection : IDisposable
{
    IPEndPoint? RemoteEndPoint { get; }

    /// <summary>Whether the transport counted the connection against its address already (Kestrel's listeners do: <see cref="ConnectionsPerAddressMiddleware"/>).</summary>
    AddressAdmission Admission => AddressAdmission.CountSession;

    /// <summary>The wire's name for the logs when it is not the protocol's own (<c>tcp+tls</c>, <c>irc+tls</c>), else null.</summary>
    string? Wire => null;

    /// <summary>Single reader: the application reads only when run for input (<see cref="ResumeOnInput"/>).</summary>
    PipeReader Input { get; }

    /// <summary>Single writer; completing it sends what was flushed, then end of stream.</summary>
    PipeWriter Output { get; }

    /// <summary>Starts serving <paramref name="application"/>; once, before it reads.</summary>
    void Serve(IConnectionApplication application);

    /// <summary>
    /// The application has taken all the input there is: run it again on the thread pool once
    /// more arrives, or the input ends, or reading is stopped. Until then it holds nothing of the
    /// connection's (no buffer, no pending receive).
    /// </summary>
    void ResumeOnInput();

    /// <summary>Ends reading: the application's next read sees its input cancelled, and it is run at once if it was waiting.</summary>
    void StopReading();

    /// <summary>Cuts the connection at once: reads end, writes fail, unsent bytes are dropped.</summary>
    void Abort();
}
