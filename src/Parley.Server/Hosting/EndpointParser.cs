using System.Net;

namespace Parley.Server.Hosting;

/// <summary>Reads listener addresses written as ADDR:PORT ("127.0.0.1:7878", "[::1]:0", "localhost:8080", "0.0.0.0:7878").</summary>
public static class EndpointParser
{
    public static IPEndPoint Parse(string value, string what)
    {
        var text = value.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
            text = "127.0.0.1" + text["localhost".Length..];
        if (IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':') && endpoint.Port is >= 0 and <= 65535 && HasPort(text))
            return endpoint;
        throw new FormatException($"{what}: '{value}' is not ADDR:PORT (for example 127.0.0.1:7878, [::1]:7878 or 0.0.0.0:0)");
    }

    /// <summary>A listener's address, or null for an empty setting: that listener is off.</summary>
    public static IPEndPoint? ParseOptional(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? null : Parse(value, what);

    // IPEndPoint.TryParse accepts a bare address with port 0; Parley wants the port spelled out.
    private static bool HasPort(string text) =>
        text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;
}
