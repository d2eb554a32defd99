using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Transports;

/// <summary>
/// The head of the request that opens a WebSocket at /ws, read off a new connection before
/// Kestrel's HTTP layer sees it (<see cref="WebSocketShortcut"/>). Strict on purpose: only a
/// well-formed, same-origin upgrade is taken here; whatever it does not recognise (another path,
/// a header it would have to judge, a foreign origin, a body) goes to Kestrel, which answers it
/// as it always has, so this reader never has to produce an HTTP error of its own.
/// </summary>
/// <param name="ForwardedFor">Its <c>X-Forwarded-For</c>, or null: believed only from a trusted proxy (<see cref="TrustedProxies.ClientOf"/>).</param>
public readonly record struct WebSocketUpgradeRequest(string Key, long HeadLength, string? ForwardedFor = null)
{
    /// <summary>Longer heads go to Kestrel, whose limit (32 KB) answers them properly.</summary>
    public const int MaxHeadBytes = 8192;

    private static ReadOnlySpan<byte> RequestPrefix => "GET /ws"u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;
    private const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static UpgradeVerdict Read(ReadOnlySequence<byte> input, out WebSocketUpgradeRequest request)
    {
        request = default;
        var start = input.Length > MaxHeadBytes ? input.Slice(0, MaxHeadBytes) : input;
        Span<byte> prefix = stackalloc byte[RequestPrefix.Length];
        var have = (int)Math.Min(start.Length, prefix.Length);
        start.Slice(0, have).CopyTo(prefix);
        if (!prefix[..have].SequenceEqual(RequestPrefix[..have]))
            return UpgradeVerdict.NotThis;

        // Searched again from the start on every read: bounded by MaxHeadBytes, and nothing is
        // copied until the head is whole.
        var reader = new SequenceReader<byte>(start);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd, advancePastDelimiter: false))
        {
            // Kestrel reads heads with bare LFs too: those are its to answer, now, not after a timeout.
            return start.Length < MaxHeadBytes && !HasBareLineEnd(start) ? UpgradeVerdict.NeedMore : UpgradeVerdict.NotThis;
        }
        if (ParseKey(head.ToArray(), out var forwardedFor) is not { } key)
            return UpgradeVerdict.NotThis;
        request = new WebSocketUpgradeRequest(key, head.Length + HeadEnd.Length, forwardedFor);
        return UpgradeVerdict.Upgrade;
    }

    /// <summary>A LF without its CR, or a CR followed by anything but LF (a CR last may yet be followed by its LF).</summary>
    private static bool HasBareLineEnd(ReadOnlySequence<byte> bytes)
    {
        var previous = (byte)0;
        foreach (var segment in bytes)
        {
            foreach (var b in segment.Span)
            {
                if ((b == '\n') != (previous == '\r'))
                    return true;
                previous = b;
            }
        }
        return false;
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> value that answers this request's key.</summary>
    public string AcceptKey() =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(Key + KeyGuid)));

    /// <summary>The 101 response, whole.</summary>
    public byte[] SwitchingProtocolsResponse() => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {AcceptKey()}\r\n\r\n");

    /// <summary>The key of a valid same-origin upgrade to /ws, or null for anything else; and its X-Forwarded-For.</summary>
    private static string? ParseKey(byte[] head, out string? forwardedFor)
    {
        forwardedFor = null;
        foreach (var b in head)
        {
            // Visible ASCII, spaces, tabs and line ends only; anything else is Kestrel's to judge.
            if (b >= 0x7F || (b < 0x20 && b is not (byte)'\r' and not (byte)'\n' and not (byte)'\t'))
                return null;
        }
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        if (!IsRequestLine(lines[0]))
            return null;

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            // A folded line, a bare LF, or a name with spaces: not a head this reader judges.
            if (colon <= 0 || line[0] is ' ' or '\t' || line.AsSpan().ContainsAny("\r\n") || line.AsSpan(0, colon).ContainsAny(" \t"))
                return null;
            var name = line[..colon];
            // A body on the upgrade is Kestrel's to refuse; a header this reader reads, given twice, is ambiguous.
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || (!headers.TryAdd(name, line.AsSpan(colon + 1).Trim(" \t").ToString()) && Judged.Contains(name)))
                return null;
        }

        forwardedFor = headers.GetValueOrDefault("X-Forwarded-For");
        var host = headers.GetValueOrDefault("Host");
        var key = headers.GetValueOrDefault("Sec-WebSocket-Key");
        if (string.IsNullOrEmpty(host) || key is null || headers.GetValueOrDefault("Sec-WebSocket-Version") != "13"
            || !HasToken(headers.GetValueOrDefault("Upgrade"), "websocket")
            || !HasToken(headers.GetValueOrDefault("Connection"), "upgrade")
            || !IsKey(key) || !SameOrigin.Allows(headers.GetValueOrDefault("Origin") ?? "", host))
            return null;
        return key;
    }

    // X-Forwarded-For given twice is one list in two lines; Kestrel's pipeline joins them (the
    // forwarded-headers middleware), so such a head goes there rather than be joined here.
    private static readonly HashSet<string> Judged = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Origin", "Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Key", "X-Forwarded-For",
    };

    /// <summary><c>GET /ws HTTP/1.1</c>, or with a query after /ws.</summary>
    private static bool IsRequestLine(string line)
    {
        var parts = line.Split(' ');
        return parts is ["GET", var target, "HTTP/1.1"] && (target == "/ws" || target.StartsWith("/ws?", StringComparison.Ordinal));
    }

    /// <summary>A comma-separated header value naming <paramref name="token"/> (any case).</summary>
    private static bool HasToken(string? value, string token) =>
        value is not null && value.Split(',').Any(part => part.AsSpan().Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>RFC 6455: the key is 16 random bytes in base64.</summary>
    private static bool IsKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        return key.Length == 24 && Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }
}
