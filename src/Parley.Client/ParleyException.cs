namespace Parley.Client;

/// <summary>
/// A request that failed. <see cref="Code"/> is the server's stable error code (docs/protocol.md),
/// or one of the client's own: <c>disconnected</c>, <c>timeout</c>, <c>closed</c>.
/// </summary>
public sealed class ParleyException(string code, string message) : Exception(message)
{
    public const string Disconnected = "disconnected";
    public const string Timeout = "timeout";
    public const string Closed = "closed";

    public string Code { get; } = code;

    internal static ParleyException ConnectionLost() =>
        new(Disconnected, "the connection to the server was lost before the reply came; the request may or may not have been carried out");

    internal static ParleyException TimedOut(string type, TimeSpan after) =>
        new(Timeout, $"no reply to '{type}' within {after.TotalSeconds:0.#} s; check that the server is running and reachable");

    internal static ParleyException ClientClosed() => new(Closed, "the client was disposed");
}
