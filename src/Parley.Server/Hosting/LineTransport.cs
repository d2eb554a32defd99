namespace Parley.Server.Hosting;

/// <summary>The transports the TCP and IRC listeners can run on (setting <c>Transport</c>, flag <c>--transport</c>).</summary>
public enum LineTransport
{
    /// <summary>
    /// Linux only, the default there: idle connections wait for input through one epoll thread and
    /// hold nothing meanwhile; receive and send are plain system calls.
    /// </summary>
    Epoll,

    /// <summary>
    /// The runtime's managed sockets: each idle connection waits with a pending zero-byte receive,
    /// which holds the runtime's per-socket async state (more memory per idle connection; the
    /// figures are in docs/benchmarks.md). Any system; the default off Linux.
    /// </summary>
    Sockets,
}
