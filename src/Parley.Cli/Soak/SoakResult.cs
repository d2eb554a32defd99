namespace Parley.Cli.Soak;

/// <summary>One fault injected: what, on which process, when (seconds from the run's start), and how long presence took to agree again after it.</summary>
public sealed record FaultRecord(string Kind, string Target, double StartSeconds, double EndSeconds)
{
    /// <summary>Seconds from the fault's end until every node's `online` matched who was signed in; null if not within the bound plus 10 s.</summary>
    public double? PresenceConvergedSeconds { get; set; }
}

/// <summary>One reading of a server's resident memory.</summary>
public sealed record RssSample(double Seconds, string Node, long Bytes);

/// <summary>What one run found: the figures of the report and the invariants' verdict.</summary>
public sealed record SoakResult
{
    public required SoakSettings Settings { get; init; }

    public required double Seconds { get; init; }

    public required IReadOnlyList<FaultRecord> Faults { get; init; }

    public required IReadOnlyList<RssSample> Rss { get; init; }

    public required IReadOnlyList<IntervalLatency> Latency { get; init; }

    public required long Sent { get; init; }

    public required long Acknowledged { get; init; }

    /// <summary>Of the acknowledged: never answered, but found in history afterwards.</summary>
    public required long StoredUnanswered { get; init; }

    public required long Resent { get; init; }

    public required long Lost { get; init; }

    public required long Duplicated { get; init; }

    public required long NeverStoredFound { get; init; }

    public required long IrcSent { get; init; }

    public required long IrcStored { get; init; }

    public required long Reconnections { get; init; }

    public required long LiveDuplicates { get; init; }

    public required long OutOfOrder { get; init; }

    /// <summary>Messages a client never received (live or by catch-up), outside the documented exception.</summary>
    public required long Undelivered { get; init; }

    /// <summary>Messages a client missed live while Redis was out of reach, as docs/protocol.md allows.</summary>
    public required long UndeliveredDuringRedisFaults { get; init; }

    public required long Delivered { get; init; }

    public required long SeqGaps { get; init; }

    public required long Malformed { get; init; }

    public required long Oversized { get; init; }

    public required long Flooded { get; init; }

    public required long MidFrameCuts { get; init; }

    public required long SlowConsumerDrops { get; init; }

    /// <summary>Error replies to requests their client had already given up on (<see cref="SoakLedger.LateReplies"/>): attributed, not violations.</summary>
    public required long LateReplies { get; init; }

    public required IReadOnlyDictionary<string, long> ErrorCodes { get; init; }

    public required IReadOnlyDictionary<string, long?> RssAfterWarmup { get; init; }

    /// <summary>After the run, the servers quiet for 10 s: the reading the check uses.</summary>
    public required IReadOnlyDictionary<string, long?> RssAtEnd { get; init; }

    /// <summary>Just before the traffic stopped, for comparison under the same load as the warm-up reading.</summary>
    public required IReadOnlyDictionary<string, long?> RssEndOfTraffic { get; init; }

    public required IReadOnlyList<string> LogProblems { get; init; }

    public required long ViolationCount { get; init; }

    public required IReadOnlyList<string> Violations { get; init; }

    public bool Passed => ViolationCount == 0;
}
