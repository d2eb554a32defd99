namespace Parley.Client;

public sealed class ParleyClientOptions
{
    /// <summary>HOST:PORT of the native TCP listener. Ignored when <see cref="WebSocketUri"/> is set.</summary>
    public string Server { get; set; } = "127.0.0.1:7878";

    /// <summary>ws://HOST:PORT/ws to connect over WebSocket instead of TCP.</summary>
    public Uri? WebSocketUri { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Reconnect on its own after the connection drops, resuming the session and fetching what was missed.</summary>
    public bool AutoReconnect { get; set; } = true;

    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most missed messages fetched per conversation after a reconnect.</summary>
    public int MaxCatchUp { get; set; } = 1000;
}
