namespace Parley.Server.Transports;

/// <summary>What the first bytes of a new HTTP connection are, as far as <see cref="WebSocketUpgradeRequest.Read"/> can tell.</summary>
public enum UpgradeVerdict
{
    /// <summary>They may yet be an upgrade to /ws: wait for more.</summary>
    NeedMore,

    /// <summary>Anything else, including an upgrade this reader will not judge: Kestrel's to answer.</summary>
    NotThis,

    /// <summary>A complete, valid WebSocket upgrade to /ws (RFC 6455 section 4.2.1).</summary>
    Upgrade,
}
