using System.IO.Pipelines;
using Parley.Protocol;

namespace Parley.Server.Transports;

/// <summary>
/// A line protocol served over a transport connection by <see cref="LineConnection{TSession}"/>: how it reads lines
/// into its session, ends the session, and writes a queued frame. One instance serves every
/// connection, so a connection costs no delegates of its own.
/// </summary>
internal interface ILineProtocol<TSession> where TSession : QueuedSession
{
    /// <summary>The transport's name in logs ("tcp", "irc").</summary>
    string Transport { get; }

    /// <summary>
    /// Handles every whole line the connection's input holds, without waiting for more: true when
    /// the input has nothing more for now, false when it has ended (closed, cancelled, or a line
    /// this protocol cannot go on after). Where a line was left off is kept on the connection.
    /// </summary>
    ValueTask<bool> ReadAvailableAsync(TSession session, ILineCursor input);

    Task EndAsync(TSession session);

    void Write(TSession session, byte[] frame, PipeWriter output);
}
