using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>The data directory's disk filling up and emptying again (docs/reliability.md): once per episode, not per refused write.</summary>
internal static partial class Log
{
    [LoggerMessage(55, LogLevel.Warning, "the disk of the data directory {Data} is full: writes are refused (clients get 'unavailable') and reads go on; writes resume by themselves once there is space")]
    public static partial void DiskFull(ILogger logger, string data, Exception exception);

    [LoggerMessage(56, LogLevel.Information, "the disk of the data directory {Data} has space again: writes resume")]
    public static partial void DiskSpaceBack(ILogger logger, string data);

    [LoggerMessage(57, LogLevel.Warning, "an upload was refused: the disk of {Files} is full")]
    public static partial void UploadDiskFull(ILogger logger, string files);
}
