using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>One measured phase: send (paced by a token schedule, or flat out within a window of unanswered sends), drain, count.</summary>
public sealed partial class BenchRunner
{
    /// <summary>The counts of the phase that ended last (bigroom --restart reads the observers' checks from it).</summary>
    private ReceiveStats? _lastPhaseTotal;

    /// <summary>
    /// Runs one phase. <paramref name="alongside"/>, when given, runs beside the senders from the
    /// phase's start (bigroom: a sign-in storm, a mass disconnect); if it ends the window early
    /// (<see cref="Phase.CutShort"/>), sending stops there.
    /// </summary>
    private async Task<BenchResult> RunPhaseAsync(double rate, TimeSpan warmup, TimeSpan duration, string label, CancellationToken stop,
        Func<Phase, Task>? alongside = null)
    {
        foreach (var s in _senders)
            s.StartPhase();
        var errorsBefore = TotalErrors();
        var ackedBefore = _connections.Sum(c => Volatile.Read(ref c.Acked));
        using var phase = Phase.Create(warmup, duration, rate);
        _run.CurrentPhase = phase;
        using var cut = stop.Register(phase.CutShort);

        using var reporting = new CancellationTokenSource();
        var lastDeliveries = 0L;
        var report = _progress.EverySecondAsync(() =>
        {
            var (deliveries, _, _) = phase.Counts();
            var now = Stopwatch.GetTimestamp();
            var stage = now < phase.WindowStart ? "warm-up" : now < phase.WindowEnd ? "measuring" : "draining";
            var sent = _senders.Sum(s => s.PhaseSent);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{label} {stage}: sent {sent}, deliveries {deliveries} (+{deliveries - lastDeliveries}/s), errors {TotalErrors() - errorsBefore}{UploadProgress()}");
            lastDeliveries = deliveries;
            return line;
        }, reporting.Token);

        var beside = Task.CompletedTask;
        try
        {
            if (alongside is not null)
                beside = Task.Run(() => alongside(phase), CancellationToken.None);
            if (rate > 0)
            {
                await PaceAsync(phase).ConfigureAwait(false);
            }
            else
            {
                var flat = _senders.Select(s => FlatOutAsync(s, phase)).ToArray();
                await WakeUntilDoneAsync(Task.WhenAll(flat), phase).ConfigureAwait(false);
            }
            await beside.ConfigureAwait(false);

            var expected = _senders.Sum(s => s.WindowSent) * (long)_receiversPerMessage;
            await DrainAsync(phase, expected, stop.IsCancellationRequested ? TimeSpan.FromSeconds(2) : Settings.Drain).ConfigureAwait(false);
            _run.CurrentPhase = null;

            var rss = WindowRss(phase);
            var total = phase.Total();
            _lastPhaseTotal = total;
            var unique = _lossAtObserversOnly ? total.ObservedUniqueOfWindow : total.UniqueOfWindow;
            var seconds = phase.WindowSeconds;
            return new BenchResult
            {
                Rate = rate,
                WindowSeconds = seconds,
                WindowStartTicks = phase.WindowStart,
                WindowEndTicks = phase.WindowEnd,
                Sent = _senders.Sum(s => s.WindowSent),
                SentTotal = _senders.Sum(s => s.PhaseSent),
                Acked = _connections.Sum(c => Volatile.Read(ref c.Acked)) - ackedBefore,
                Expected = expected,
                Delivered = total.ReceivedInWindow,
                DeliveriesPerSecond = seconds > 0 ? total.ReceivedInWindow / seconds : 0,
                Lost = Math.Max(0, expected - unique),
                Duplicated = total.Duplicates,
                Errors = TotalErrors() - errorsBefore + total.Unexpected,
                P50Ms = total.Latency.ValueAt(50) / 1000.0,
                P90Ms = total.Latency.ValueAt(90) / 1000.0,
                P99Ms = total.Latency.ValueAt(99) / 1000.0,
                MaxMs = total.Latency.Max / 1000.0,
                CrossNodeDeliveries = total.CrossNodeLatency.Count,
                CrossNodeP50Ms = total.CrossNodeLatency.ValueAt(50) / 1000.0,
                CrossNodeP99Ms = total.CrossNodeLatency.ValueAt(99) / 1000.0,
                CrossNodeMaxMs = total.CrossNodeLatency.Max / 1000.0,
                ServerCpu = [.. _nodeSamplers.Select(n => n?.CpuShare(phase.WindowStart, phase.WindowEnd)?.Server)],
                OtherCpu = [.. _otherSamplers.Select(o => o.CpuShare(phase.WindowStart, phase.WindowEnd)?.Server)],
                BenchCpu = _nodeSamplers.Select(n => n?.CpuShare(phase.WindowStart, phase.WindowEnd)?.Bench).FirstOrDefault(c => c is not null),
                ServerRssStart = rss.Start,
                ServerRssPeak = rss.Peak,
                ServerRssEnd = rss.End,
                Stopped = stop.IsCancellationRequested,
            };
        }
        finally
        {
            // A phase that failed before its sending ended must not leave the task beside it running unseen.
            phase.CutShort();
            if (!beside.IsCompleted)
                await Task.WhenAny(beside, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
            _run.CurrentPhase = null;
            await reporting.CancelAsync().ConfigureAwait(false);
            await report.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first server's resident memory over the window, from its CPU sampler's readings (every
    /// 250 ms): the last before the window (or the first in it), the peak, the last in it.
    /// </summary>
    private (long? Start, long? Peak, long? End) WindowRss(Phase phase)
    {
        if (_nodeSamplers.FirstOrDefault() is not { } sampler)
            return (null, null, null);
        var lead = (long)(sampler.Interval.TotalSeconds * Stopwatch.Frequency);
        var before = sampler.Between(phase.WindowStart - lead, phase.WindowStart);
        var inside = sampler.Between(phase.WindowStart, phase.WindowEnd);
        if (inside.Count == 0)
            return (null, null, null);
        var start = before.Count > 0 ? before[^1].Bytes : inside[0].Bytes;
        return (start, Math.Max(start, inside.Max(x => x.Bytes)), inside[^1].Bytes);
    }

    /// <summary>
    /// Paced sending: one loop for all senders wakes every millisecond and gives each sender what
    /// its share of the rate makes due by now (staggered so senders do not all fire at once),
    /// without waiting for the writes; a sender whose previous write is still pending, or whose
    /// window of unanswered sends is full, catches up on a later tick.
    /// </summary>
    private async Task PaceAsync(Phase phase)
    {
        var perSender = phase.Rate / _senders.Count;
        var frequency = (double)Stopwatch.Frequency;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= phase.WindowEnd)
                break;
            var elapsed = (now - phase.Start) / frequency;
            for (var i = 0; i < _senders.Count; i++)
            {
                var sender = _senders[i];
                var due = (long)(elapsed * perSender + (double)i / _senders.Count) - sender.PhaseSent;
                if (due <= 0 || sender.Pending is { IsCompleted: false } || sender.Connection.Closed)
                    continue;
                var count = (int)Math.Min(Math.Min(due, BenchSender.MaxBatch), sender.Room(Settings.Window));
                if (count > 0)
                    sender.SendWithoutWaiting(sender.Build(count, phase));
            }
            await Task.Delay(1).ConfigureAwait(false);
        }
        foreach (var sender in _senders)
        {
            if (sender.Pending is { } pending)
                await pending.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    /// <summary>Flat out: one loop per sender writes batches as fast as the socket and the window of unanswered sends allow.</summary>
    private async Task FlatOutAsync(BenchSender sender, Phase phase)
    {
        await Task.Yield();
        var connection = sender.Connection;
        while (Stopwatch.GetTimestamp() < phase.WindowEnd && !connection.Closed)
        {
            var room = sender.Room(Settings.Window);
            if (room <= 0)
            {
                await connection.WaitForAcksAsync(sender.Sent - Settings.Window).ConfigureAwait(false);
                continue;
            }
            try
            {
                await connection.SendAllAsync(sender.Build((int)Math.Min(room, BenchSender.MaxBatch), phase), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (BenchSender.IsSocketError(ex))
            {
                Interlocked.Increment(ref connection.Errors);
                _run.NoteError($"{connection.User}: send failed: {ex.Message}");
                return;
            }
        }
    }

    /// <summary>Once sending time is over, wakes senders still waiting for replies so they see it.</summary>
    private async Task WakeUntilDoneAsync(Task senders, Phase phase)
    {
        while (!senders.IsCompleted)
        {
            await Task.WhenAny(senders, Task.Delay(100)).ConfigureAwait(false);
            if (Stopwatch.GetTimestamp() >= phase.WindowEnd)
            {
                foreach (var s in _senders)
                    s.Connection.Wake();
            }
        }
        await senders.ConfigureAwait(false);
    }

    /// <summary>Waits until every delivery expected arrived and every send is answered, or (all answered) nothing more arrives for a second, or <paramref name="limit"/>.</summary>
    private async Task DrainAsync(Phase phase, long expected, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var quietSince = Stopwatch.GetTimestamp();
        var last = -1L;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var (deliveries, unique, _) = phase.Counts(_lossAtObserversOnly);
            var answered = _senders.All(s => Volatile.Read(ref s.Connection.Acked) >= s.Sent || s.Connection.Closed);
            if (unique >= expected && answered)
                return;
            var acked = _connections.Sum(c => Volatile.Read(ref c.Acked));
            if (deliveries + acked != last)
            {
                last = deliveries + acked;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (answered && Stopwatch.GetElapsedTime(quietSince) > TimeSpan.FromSeconds(1))
            {
                // Every send is answered and nothing has arrived for a second: what is missing is lost.
                return;
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
    }
}
