using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;

namespace Parley.Server.Observability;

/// <summary>
/// Who may read /metrics. The numbers name no user, but they tell how busy the server is and
/// when it is failing: not for the whole internet. With a token, a scrape must carry it. Without
/// one, a scrape on the HTTP listener must come from this machine and not through a proxy (a
/// reverse proxy on the same host connects from loopback, but it says so with a Forwarded or
/// X-Forwarded-For header); the metrics listener, bound where only the scraper reaches, is open.
/// From a trusted proxy (<c>Connections:TrustedProxies</c>) the forwarded-headers middleware has
/// already replaced the address with the forwarded one and taken the header away, leaving
/// X-Original-For in its place: that marks the request as proxied too, whatever address it names.
/// </summary>
internal static class MetricsAccess
{
    public enum Verdict { Allowed, NeedsToken, Refused }

    public static Verdict Check(HttpContext context, string token, bool onMetricsListener)
    {
        if (token.Length > 0)
            return HasToken(context.Request.Headers.Authorization.ToString(), token) ? Verdict.Allowed : Verdict.NeedsToken;
        if (onMetricsListener)
            return Verdict.Allowed;
        var headers = context.Request.Headers;
        var proxied = headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("X-Real-IP")
            || headers.ContainsKey(ForwardedHeadersDefaults.XOriginalForHeaderName);
        // A listener on [::] sees 127.0.0.1 as ::ffff:127.0.0.1.
        var remote = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.RemoteIpAddress;
        return !proxied && remote is not null && IPAddress.IsLoopback(remote) ? Verdict.Allowed : Verdict.Refused;
    }

    private static bool HasToken(string authorization, string token)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        // Compared in constant time, so the answer's timing does not spell the token out.
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }
}
