namespace Parley.Cli.Bench;

/// <summary>
/// What bigroom's --restart measured: the server stopped (SIGTERM) and started again while every
/// member, observer and sender stayed, each reconnecting and resuming with its token; times count
/// from the stop signal. "Nothing lost" is counted at the observers, which catch up on the room's
/// history after resuming: every acknowledged message once, in seq order.
/// </summary>
public sealed record RestartResult
{
    /// <summary>The new server's process id (the caller stops it), and the file its output goes to.</summary>
    public int ServerPid { get; init; }

    public string Log { get; init; } = "";

    /// <summary>True when the server did not end within the grace period and was killed.</summary>
    public bool Killed { get; init; }

    /// <summary>From the stop signal until the old process had ended, and until the new one accepted a connection.</summary>
    public double StoppedSeconds { get; init; }

    public double? ListeningSeconds { get; init; }

    /// <summary>Connections to resume (members, observers, senders), those resumed, and those that could not be.</summary>
    public int Connections { get; init; }

    public int Resumed { get; init; }

    public int Failed { get; init; }

    /// <summary>From the stop signal until the last connection resumed (null when not all did), and until every observer had caught up.</summary>
    public double? ResumedSeconds { get; init; }

    public double? CaughtUpSeconds { get; init; }

    /// <summary>Resumes per second, from the server listening to the last resume.</summary>
    public double ResumesPerSecond { get; init; }

    /// <summary>Connect attempts refused (or reset) while the server was not listening yet.</summary>
    public long Refused { get; init; }

    /// <summary>Senders' messages unanswered when the server stopped: found stored in history (not sent again), and sent again.</summary>
    public long StoredUnanswered { get; init; }

    public long Resent { get; init; }

    /// <summary>Messages each observer fetched from history after resuming (over all observers), and history requests.</summary>
    public long CaughtUp { get; init; }

    public long HistoryRequests { get; init; }

    /// <summary>Acknowledged messages (by the end of the phase) over all senders, and the observers checked.</summary>
    public long Acknowledged { get; init; }

    public int ObserversChecked { get; init; }

    /// <summary>
    /// Over the checked observers: acknowledged messages never seen (live or in history), seen more
    /// than once, and seen after a message of a higher room seq.
    /// </summary>
    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long OutOfOrder { get; init; }

    /// <summary>Chat from just before the stop until a little after the last observer caught up.</summary>
    public BenchResult Chat { get; init; } = new();

    public (double Server, double Bench)? Cpu { get; init; }

    public IReadOnlyList<string> FirstFailures { get; init; } = [];
}
