using Microsoft.Extensions.Logging;

namespace Parley.Server.Observability;

/// <summary>Log lines of /metrics and the health probes, with stable event ids (30 and up, and 60; the host's are in Hosting/Log.cs).</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(30, LogLevel.Warning, "Redis stopped answering: {Reason}")]
    public static partial void RedisDown(ILogger logger, string reason);

    [LoggerMessage(31, LogLevel.Information, "Redis answers again")]
    public static partial void RedisBack(ILogger logger);

    [LoggerMessage(32, LogLevel.Debug, "not ready: {Check} failed")]
    public static partial void NotReady(ILogger logger, string check, Exception exception);

    [LoggerMessage(60, LogLevel.Warning, "not ready: the certificate of the {Listener} listener expired at {NotAfter:u}; renew the files (TlsCert, TlsKey): they are read again within a second")]
    public static partial void CertificateExpired(ILogger logger, string listener, DateTime notAfter);
}
