namespace Parley.Cli.Bench;

/// <summary>What one receive thread counted in one phase. Written by that thread only; read after the phase.</summary>
public sealed class ReceiveStats
{
    public readonly LatencyHistogram Latency = new();

    /// <summary>With several servers: the latencies of <see cref="Latency"/> from a sender on another server than the receiver.</summary>
    public readonly LatencyHistogram CrossNodeLatency = new();

    /// <summary>Deliveries of bench messages, whatever their send time.</summary>
    public long Deliveries;

    /// <summary>Deliveries that arrived while the clock was inside the measured window (for deliveries/s).</summary>
    public long ReceivedInWindow;

    /// <summary>First deliveries (not duplicates) of messages sent inside the window (for loss).</summary>
    public long UniqueOfWindow;

    /// <summary>The same, counted only at observers (bigroom: the receivers present through a whole phase).</summary>
    public long ObservedUniqueOfWindow;

    public long Duplicates;

    /// <summary>Deliveries from a sender the receiver should not hear from (a wrong room).</summary>
    public long Unexpected;

    /// <summary>At observers: duplicates, messages skipped by forward jumps (each one lost), and messages whose room seq was not above the last one seen.</summary>
    public long ObservedDuplicates;

    public long ObservedSkipped;

    public long ObservedOutOfOrder;

    /// <summary>Forward jumps in a (sender, receiver) sequence: each is at least one lost message.</summary>
    public long Gaps;
}
