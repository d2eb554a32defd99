namespace Parley.Cli.Bench;

/// <summary>The figures of one measured phase (fanout, rooms, one search step) or of an idle run.</summary>
public sealed record BenchResult
{
    /// <summary>Target aggregate messages per second; 0 is flat out.</summary>
    public double Rate { get; init; }

    public double WindowSeconds { get; init; }

    /// <summary>The window in Stopwatch time stamps (for figures sampled beside it, such as CPU).</summary>
    public long WindowStartTicks { get; init; }

    public long WindowEndTicks { get; init; }

    /// <summary>Messages stamped inside the window.</summary>
    public long Sent { get; init; }

    /// <summary>Messages sent per second in the window: with Parley, each is acknowledged only once stored.</summary>
    public double SentPerSecond => WindowSeconds > 0 ? Sent / WindowSeconds : 0;

    /// <summary>Messages sent in the whole phase (warm-up too), and replies counted for them.</summary>
    public long SentTotal { get; init; }

    public long Acked { get; init; }

    public long Expected { get; init; }

    /// <summary>Deliveries received while the clock was inside the window.</summary>
    public long Delivered { get; init; }

    public double DeliveriesPerSecond { get; init; }

    public long Lost { get; init; }

    public long Duplicated { get; init; }

    public long Errors { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>With several servers: deliveries in the latency figures that crossed nodes (sender and receiver on different servers), and their latency.</summary>
    public long CrossNodeDeliveries { get; init; }

    public double CrossNodeP50Ms { get; init; }

    public double CrossNodeP99Ms { get; init; }

    public double CrossNodeMaxMs { get; init; }

    /// <summary>fanout, rooms: each server's CPU over the window as a share of one core (null where its process is unknown), in <see cref="BenchSettings.Servers"/> order.</summary>
    public IReadOnlyList<double?> ServerCpu { get; init; } = [];

    /// <summary>fanout, rooms: the CPU of each of <see cref="BenchSettings.CpuPids"/> over the window, in that order.</summary>
    public IReadOnlyList<double?> OtherCpu { get; init; } = [];

    /// <summary>fanout, rooms: the generator's CPU over the window, a share of one core (null when no server process is known: it is sampled with them).</summary>
    public double? BenchCpu { get; init; }

    /// <summary>fanout, rooms: the first server's VmRSS at the window's start, its peak in the window, and at its end (null where its process is unknown).</summary>
    public long? ServerRssStart { get; init; }

    public long? ServerRssPeak { get; init; }

    public long? ServerRssEnd { get; init; }

    public bool Stopped { get; init; }

    // idle
    public int Connections { get; init; }

    public double ConnectSeconds { get; init; }

    public double ConnectP50Ms { get; init; }

    public double ConnectP99Ms { get; init; }

    public long? RssBytesBefore { get; init; }

    /// <summary>Resident memory once the first half of the connections has signed in and settled.</summary>
    public long? RssBytesWarm { get; init; }

    public long? RssBytesAfter { get; init; }

    /// <summary>(after - before) / connections: everything the run cost, fixed costs included.</summary>
    public double? BytesPerConnection { get; init; }

    /// <summary>(after - warm) / the second half: what one more connection costs.</summary>
    public double? MarginalBytesPerConnection { get; init; }
}
