using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

internal static partial class Log
{
    // Debug: a flood from one address would otherwise flood the log too.
    [LoggerMessage(61, LogLevel.Debug, "connection from {Address} refused {When}: the address has Connections:PerAddress open")]
    public static partial void RefusedPastAddressLimit(ILogger logger, string address, string when);
}
