using System.Net;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Hosting;

/// <summary>Every log line the server writes, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Parley serving; state in {Store}")]
    public static partial void Started(ILogger logger, string store);

    [LoggerMessage(2, LogLevel.Information, "Parley stopping: closing connections")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(3, LogLevel.Debug, "{Transport} connection from {Remote} opened")]
    public static partial void ConnectionOpened(ILogger logger, string transport, EndPoint? remote);

    [LoggerMessage(4, LogLevel.Debug, "{Transport} connection from {Remote} closed ({Reason})")]
    public static partial void ConnectionClosed(ILogger logger, string transport, EndPoint? remote, string reason);

    [LoggerMessage(5, LogLevel.Error, "request '{Op}' failed")]
    public static partial void RequestFailed(ILogger logger, string op, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "could not tell the other nodes about {Event}")]
    public static partial void BackplaneFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "{Transport} listener could not accept a connection: {Error}")]
    public static partial void AcceptFailed(ILogger logger, string transport, System.Net.Sockets.SocketError error);

    [LoggerMessage(10, LogLevel.Error, "{Transport} connection from {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, string transport, EndPoint? remote, Exception exception);

    [LoggerMessage(11, LogLevel.Debug, "memory trim {Decision}: quiet {Quiet}, held {HeldMb} MB, live at the last full collection {LiveMb} MB (less {ReleasedKb} KB of queues the sessions gave back)")]
    public static partial void MemoryTrimTick(ILogger logger, string decision, bool quiet, long heldMb, long liveMb, long releasedKb);

    [LoggerMessage(13, LogLevel.Debug, "memory trimmed: heap {HeldMb} MB -> {CommittedMb} MB committed, paused {PauseMs:F1} ms")]
    public static partial void MemoryTrimmed(ILogger logger, long heldMb, long committedMb, double pauseMs);

    [LoggerMessage(12, LogLevel.Critical, "{Reason}; the server stops")]
    public static partial void EpollFailed(ILogger logger, string reason, Exception? exception);

    [LoggerMessage(8, LogLevel.Warning, "backplane: {What}")]
    public static partial void BackplaneTrouble(ILogger logger, string what, Exception? exception);

    [LoggerMessage(14, LogLevel.Error, "telling large rooms their counts failed")]
    public static partial void RoomCountsFailed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Error, "sweeping files failed")]
    public static partial void FileSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "no admin socket: its path {Path} is longer than a Unix socket path may be; set AdminSocket to a shorter one (parley admin --socket)")]
    public static partial void AdminSocketPathTooLong(ILogger logger, string path);
}
