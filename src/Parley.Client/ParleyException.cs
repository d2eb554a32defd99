namespace Parley.Client;

/// <summary>
/// A request that failed. <see cref="Code"/> is the server's stable error code (docs/protocol.md),
/// or one of the client's own: <c>disconnected</c>, <c>timeout</c>, <c>closed</c>. A request the
/// client refuses to send because the server's <see cref="Model.ServerLimits"/> would refuse it
/// fails with the server's code for it (<c>text_too_long</c>, <c>topic_too_long</c>, <c>line_too_long</c>).
/// </summary>
public sealed class ParleyException(string code, string message) : Exception(message)
{
    public const string Disconnected = "disconnected";
    public const string Timeout = "timeout";
    public const string Closed = "closed";

    // The server's codes for the same refusals (docs/protocol.md), which the client also gives
    // when it refuses a request itself rather than send it.
    public const string TextTooLongCode = "text_too_long";
    public const string TopicTooLongCode = "topic_too_long";
    public const string LineTooLongCode = "line_too_long";

    public string Code { get; } = code;

    internal static ParleyException ConnectionLost() =>
        new(Disconnected, "the connection to the server was lost before the reply came; the request may or may not have been carried out");

    internal static ParleyException TimedOut(string type, TimeSpan after) =>
        new(Timeout, $"no reply to '{type}' within {after.TotalSeconds:0.#} s; check that the server is running and reachable");

    internal static ParleyException LineTooLong(string type, int bytes, int maxBytes) =>
        new(LineTooLongCode, $"this '{type}' request is {bytes:N0} bytes; the server takes at most {maxBytes:N0}");

    internal static ParleyException TooLong(string code, string what, int chars, int maxChars) =>
        new(code, $"{what} are at most {maxChars:N0} characters; this one has {chars:N0}");

    internal static ParleyException ClientClosed() => new(Closed, "the client was disposed");
}
