namespace Parley.Protocol;

/// <summary>Per-connection limits of every wire: native JSON over TCP and WebSocket, and IRC (setting section <c>Connections</c>).</summary>
public sealed class ConnectionOptions
{
    /// <summary>Longest request line or WebSocket message; a longer one gets an error and the connection is closed.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Frames waiting to be written to one connection; past this the reader is too slow and is dropped.</summary>
    public int OutboundQueueLimit { get; set; } = 4096;

    /// <summary>Bytes queued for one connection; past this the reader is too slow and is dropped.</summary>
    public long MaxQueuedBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// How long a connection dropped as a slow consumer may take to read what is in flight and its
    /// <c>bye</c> before it is cut without them; zero cuts it at once, with no goodbye.
    /// </summary>
    public TimeSpan SlowConsumerGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection the server closed for any other reason (a line too long, a ping
    /// timeout, a kill, a disabled account…) may take to read its goodbye before it is cut: a
    /// peer that stops reading must not hold its socket and buffers for ever.
    /// </summary>
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection not signed in this long after it opened is closed (<c>sign_in_timeout</c>); zero turns it off.</summary>
    public TimeSpan SignInTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Token bucket: requests allowed at once.</summary>
    public double RateBurst { get; set; } = 50;

    /// <summary>Token bucket: requests per second sustained.</summary>
    public double RatePerSecond { get; set; } = 20;

    /// <summary>
    /// Connections one network address may have open at once, over every wire together; the next
    /// is sent a goodbye (<c>too_many_connections</c>) and closed. 0 turns it off.
    /// </summary>
    public int PerAddress { get; set; } = 256;

    /// <summary>
    /// Loopback addresses are exempt from <see cref="PerAddress"/> and from the per-address
    /// failed-login throttle (tests, benches, a proxy on the same host).
    /// </summary>
    public bool ExemptLoopback { get; set; } = true;

    /// <summary>
    /// Reverse proxies (addresses and CIDR networks) whose <c>X-Forwarded-For</c> names the client
    /// on the HTTP and HTTPS listeners: per-address limits and logs then use the forwarded address.
    /// Empty: the header is never believed.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Sends from one connection that may await their commit at the same time (pipelining).</summary>
    public int MaxInflightSends { get; set; } = 64;

    // A timer takes at most 2^32-2 ms; a longer grace would throw inside a broadcast.
    private static readonly TimeSpan LongestGrace = TimeSpan.FromDays(1);

    /// <summary>Refuses settings that cannot work, naming the setting (called once at start).</summary>
    public void Validate()
    {
        if (SlowConsumerGrace < TimeSpan.Zero || SlowConsumerGrace > LongestGrace)
            throw new FormatException($"Connections:SlowConsumerGrace: {SlowConsumerGrace} is not between 00:00:00 and 1.00:00:00");
        if (CloseGrace <= TimeSpan.Zero || CloseGrace > LongestGrace)
            throw new FormatException($"Connections:CloseGrace: {CloseGrace} is not above 00:00:00 and at most 1.00:00:00");
    }
}
