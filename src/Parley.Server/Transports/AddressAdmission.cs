namespace Parley.Server.Transports;

/// <summary>What the transport already decided about a new session's place under <c>Connections:PerAddress</c> (<see cref="ConnectionsPerAddress"/>).</summary>
public enum AddressAdmission
{
    /// <summary>Nothing yet: the session is counted as it opens (Parley's own TCP and IRC listeners, which count sessions, not connections).</summary>
    CountSession,

    /// <summary>Its connection was counted as Kestrel accepted it (or is exempt): the session is not counted again.</summary>
    Admitted,

    /// <summary>
    /// Its connection came from a trusted proxy on an HTTP listener (<see cref="TrustedProxies"/>):
    /// not counted itself, as it carries many clients; each session on it is counted as it opens,
    /// and each other request while it runs, by the address the proxy forwards.
    /// </summary>
    Proxied,

    /// <summary>Its connection came past the address's limit: the session is closed as it opens, its wire's goodbye saying why.</summary>
    Refused,
}
