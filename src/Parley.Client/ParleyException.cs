namespace Parley.Client;

/// <summary>
/// A request that failed. <see cref="Code"/> is the server's stable error code (docs/protocol.md),
/// or one of the client's own: <c>disconnected</c>, <c>timeout</c>, <c>closed</c>, <c>no_files</c>
/// (the server did not say where it takes files), <c>http_error</c> (an HTTP answer that is not the
/// server's, say from a proxy). A request the client refuses to send because the server's <see
/// cref="Model.ServerLimits"/> would refuse it fails with the server's code for it
/// (<c>text_too_long</c>, <c>topic_too_long</c>, <c>line_too_long</c>, <c>file_too_large</c>,
/// <c>bad_field</c> for too many files). File uploads and downloads, over HTTP, fail with the codes
/// of the server's JSON refusals (<c>bad_token</c>, <c>file_too_large</c>, <c>image_too_large</c>,
/// <c>bad_image</c>, <c>rate_limited</c>, <c>empty_text</c>, <c>unavailable</c>, <c>bad_link</c>,
/// <c>no_such_file</c>); <see cref="HttpStatus"/> then says the status.
/// </summary>
public sealed class ParleyException(string code, string message) : Exception(message)
{
    public const string Disconnected = "disconnected";
    public const string Timeout = "timeout";
    public const string Closed = "closed";
    public const string NoFiles = "no_files";
    public const string HttpError = "http_error";

    // The server's codes for the same refusals (docs/protocol.md), which the client also gives
    // when it refuses a request itself rather than send it.
    public const string TextTooLongCode = "text_too_long";
    public const string TopicTooLongCode = "topic_too_long";
    public const string LineTooLongCode = "line_too_long";
    public const string FileTooLargeCode = "file_too_large";
    public const string BadFieldCode = "bad_field";
    public const string BadTokenCode = "bad_token";

    public string Code { get; } = code;

    /// <summary>The HTTP status of a refused upload or download (413, 422, …); null for everything else.</summary>
    public int? HttpStatus { get; init; }

    internal static ParleyException ConnectionLost() =>
        new(Disconnected, "the connection to the server was lost before the reply came; the request may or may not have been carried out");

    internal static ParleyException TimedOut(string type, TimeSpan after) =>
        new(Timeout, $"no reply to '{type}' within {after.TotalSeconds:0.#} s; check that the server is running and reachable");

    internal static ParleyException LineTooLong(string type, int bytes, int maxBytes) =>
        new(LineTooLongCode, $"this '{type}' request is {bytes:N0} bytes; the server takes at most {maxBytes:N0}");

    internal static ParleyException TooLong(string code, string what, int chars, int maxChars) =>
        new(code, $"{what} are at most {maxChars:N0} characters; this one has {chars:N0}");

    internal static ParleyException ClientClosed() => new(Closed, "the client was disposed");

    /// <param name="atLeast">The length is what was read so far of a stream of unknown length.</param>
    internal static ParleyException FileTooLarge(long bytes, long maxBytes, bool atLeast = false) =>
        new(FileTooLargeCode, $"files are at most {Bytes(maxBytes)}; this one has {(atLeast ? "more than " : "")}{bytes:N0} bytes");

    internal static ParleyException TooManyFiles(int count, int max) =>
        new(BadFieldCode, count == 0 ? "a message of files needs at least one" : $"a message carries at most {max:N0} files; this one has {count:N0}");

    internal static ParleyException SameFileTwice(string name) => new(BadFieldCode, $"'{name}' is in this message twice; a file goes once");

    internal static ParleyException NotSignedIn() => new(BadTokenCode, "sign in first: files are uploaded with the token of a sign-in");

    internal static ParleyException NoHttpAddress() =>
        new(NoFiles, "the server did not say where it takes files (its sign-in reply has no 'http'); it may be older than files");

    internal static ParleyException HttpUnreachable(string what, string address, string reason) =>
        new(Disconnected, $"the {what} failed: could not talk to the server's HTTP listener at {address} ({reason})");

    internal static ParleyException HttpRefused(int status, string? reason, string what) =>
        new(HttpError, $"the server's HTTP listener answered the {what} with {status} {reason} and no Parley refusal; is a proxy in the way?") { HttpStatus = status };

    /// <summary>"25 MiB (26,214,400 bytes)", or "1,000 bytes" for a size that is no whole number of MiB.</summary>
    private static string Bytes(long bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024):N0} MiB ({bytes:N0} bytes)" : $"{bytes:N0} bytes";
}
