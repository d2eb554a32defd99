using System.IO.Pipelines;
using Parley.Protocol;

namespace Parley.Server.Transports;

/// <summary>
/// A line protocol served over TCP by <see cref="LineConnection"/>: how it reads lines into its
/// session, ends the session, and writes a queued frame. One instance serves every connection,
/// so a connection costs no delegates of its own.
/// </summary>
internal interface ILineProtocol<in TSession> where TSession : QueuedSession
{
    /// <summary>The transport's name in logs ("tcp", "irc").</summary>
    string Transport { get; }

    Task ReadLinesAsync(TSession session, PipeReader input);

    Task EndAsync(TSession session);

    void Write(TSession session, byte[] frame, PipeWriter output);
}
