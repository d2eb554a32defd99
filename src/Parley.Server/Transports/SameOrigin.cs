namespace Parley.Server.Transports;

/// <summary>Whether a WebSocket request comes from this server's own page.</summary>
public static class SameOrigin
{
    /// <summary>
    /// Browsers always send Origin, so a page on another site cannot use a visitor's browser to talk
    /// to this server; other clients (terminal, scripts) send none and are let in.
    /// </summary>
    public static bool Allows(string origin, string host)
    {
        if (origin.Length == 0)
            return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase);
    }
}
