using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

internal static partial class Log
{
    [LoggerMessage(40, LogLevel.Information, "TLS certificate loaded from {CertFile}: {Subject}, valid until {NotAfter:u}, SHA-256 {Fingerprint}")]
    public static partial void CertificateLoaded(ILogger logger, string certFile, string subject, DateTime notAfter, string fingerprint);

    [LoggerMessage(41, LogLevel.Warning, "TLS certificate files changed but could not be loaded ({Reason}); still serving the previous certificate, trying again")]
    public static partial void CertificateReloadFailed(ILogger logger, string reason);
}
