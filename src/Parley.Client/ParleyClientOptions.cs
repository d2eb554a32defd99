namespace Parley.Client;

public sealed class ParleyClientOptions
{
    /// <summary>HOST:PORT of the native TCP listener. Ignored when <see cref="WebSocketUri"/> is set.</summary>
    public string Server { get; set; } = "127.0.0.1:7878";

    /// <summary>ws://HOST:PORT/ws (or wss:// for TLS) to connect over WebSocket instead of TCP.</summary>
    public Uri? WebSocketUri { get; set; }

    /// <summary>Speak TLS on the TCP connection (the server's tcp+tls listener). A wss:// <see cref="WebSocketUri"/> is TLS whatever this says.</summary>
    public bool Tls { get; set; }

    /// <summary>
    /// A PEM file of the certificates to trust for this server (its CA, or a self-signed server's
    /// own certificate) instead of the system's; the name is still checked. Null: the system's.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>
    /// The server certificate's SHA-256 fingerprint (hex, colons optional, as <c>parley cert</c> and
    /// <c>openssl x509 -fingerprint -sha256</c> print it): that certificate alone is accepted, with
    /// no other check. For a self-signed server; a renewed certificate needs the new pin.
    /// </summary>
    public string? TlsPin { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Reconnect on its own after the connection drops, resuming the session and fetching what was missed.</summary>
    public bool AutoReconnect { get; set; } = true;

    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most missed messages fetched per conversation after a reconnect.</summary>
    public int MaxCatchUp { get; set; } = 1000;
}
