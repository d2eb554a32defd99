using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Parley.Cli.Bench;

/// <summary>bigroom --restart: the server stopped and started again under the whole room, which resumes and catches up.</summary>
public sealed partial class BenchRunner
{
    /// <summary>How long the server may take to end after SIGTERM before it is killed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    /// <summary>From the stop signal, how long everyone may take to be back (resumed and caught up).</summary>
    private static readonly TimeSpan ResumeLimit = TimeSpan.FromSeconds(180);

    /// <summary>Chat measured after the last observer caught up, before the phase ends.</summary>
    private static readonly TimeSpan AfterCatchUp = TimeSpan.FromSeconds(2);

    private const int KeptFailures = 5;

    /// <summary>
    /// Chat goes on at --rate; at the window's start the server gets SIGTERM (Parley says bye and
    /// closes every connection), is waited for (then killed) and started again with the same
    /// command line, directory, environment and CPUs. Meanwhile every connection (senders first,
    /// then observers, then members; --concurrency at a time) waits for its old socket to close,
    /// connects again (retrying with a short backoff while refused) and resumes with its token.
    /// Observers then fetch the room's history after the last seq they saw and count it with the
    /// live events, in seq order; senders look up which of their unanswered sends were stored and
    /// send the others again (sends due while they were down wait until they are back). The check:
    /// every acknowledged message reached every observer once, in seq order.
    /// </summary>
    private async Task<RestartResult> RestartAsync(int pid, BenchConnection[] observers, BenchConnection[] members, ProcessSampler sampler, CancellationToken stop)
    {
        var s = Settings;
        var command = ServerRestart.Read(pid);
        var log = Path.Combine(Path.GetTempPath(), $"parley-bench-restarted-{pid}.log");
        var senders = _senders.Select(x => x.Connection).ToArray();
        // Senders first: chat resumes (with what was due while they were down) before the observers
        // are back, so the observers must find some of it in history, as a client that was away would.
        BenchConnection[] everyone = [.. senders, .. observers, .. members];
        var failed = new ConcurrentDictionary<BenchConnection, string>();
        var newLoops = new ConcurrentQueue<Task>();
        long stopAt = 0, exitedAt = 0, listeningAt = 0, lastResumeAt = 0, caughtUpAt = 0;
        long refused = 0, storedUnanswered = 0, resent = 0, caughtUp = 0, historyRequests = 0;
        var resumed = 0;
        var killed = false;
        var newPid = 0;

        _receiversPerMessage = observers.Length;
        _lossAtObserversOnly = true;
        var chat = await RunPhaseAsync(s.Rate, s.Warmup, ResumeLimit, "bigroom native restart", stop, async phase =>
        {
            try
            {
                await DelayUntilAsync(phase.WindowStart, stop).ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                    return;
                _run.Restarting = true;
                stopAt = Stopwatch.GetTimestamp();
                killed = await command.StopAsync(StopGrace, stop).ConfigureAwait(false);
                exitedAt = Stopwatch.GetTimestamp();
                newPid = command.Start(log);
                sampler.Follow(newPid);
                // A plain line, so that a caller can stop the new server even if this run fails later.
                _progress.Note(string.Create(CultureInfo.InvariantCulture, $"restart: server {pid} stopped in {Seconds(stopAt, exitedAt):0.00} s{(killed ? " (killed)" : "")}; started again: restart_server_pid {newPid}, output in {log}"));

                using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
                limit.CancelAfter(ResumeLimit - Stopwatch.GetElapsedTime(stopAt));
                using var reporting = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var report = _progress.EverySecondAsync(() => $"restart: {Volatile.Read(ref resumed)}/{everyone.Length} resumed, {failed.Count} failed, {Interlocked.Read(ref refused)} connects refused", reporting.Token);
                var observersLeft = observers.Length;
                try
                {
                    await Parallel.ForEachAsync(everyone, new ParallelOptions { MaxDegreeOfParallelism = s.ConnectConcurrency }, async (c, _) =>
                    {
                        try
                        {
                            await c.CloseForRestartAsync().ConfigureAwait(false);
                            var socket = await ConnectRetryingAsync(() =>
                            {
                                Interlocked.Increment(ref refused);
                            }, limit.Token).ConfigureAwait(false);
                            Interlocked.CompareExchange(ref listeningAt, Stopwatch.GetTimestamp(), 0);
                            var events = c.Observer ? new List<string>() : null;
                            await c.ResumeAsync(socket, events, limit.Token).ConfigureAwait(false);
                            Interlocked.Increment(ref resumed);
                            InterlockedMax(ref lastResumeAt, Stopwatch.GetTimestamp());
                            if (c.Observer)
                            {
                                var (fetched, requests) = await c.CatchUpAsync(events!, phase, limit.Token).ConfigureAwait(false);
                                Interlocked.Add(ref caughtUp, fetched);
                                Interlocked.Add(ref historyRequests, requests);
                                if (Interlocked.Decrement(ref observersLeft) == 0)
                                    caughtUpAt = Stopwatch.GetTimestamp();
                            }
                            var sender = _senders.FirstOrDefault(x => x.Connection == c);
                            if (sender is not null)
                            {
                                var (stored, again) = await ResendUnansweredAsync(sender, limit.Token).ConfigureAwait(false);
                                Interlocked.Add(ref storedUnanswered, stored);
                                Interlocked.Add(ref resent, again);
                            }
                            c.Reopen();
                            if (c.Observer || !s.IdleMembers || sender is not null)
                                newLoops.Enqueue(c.StartReceiving(_stopLoops.Token));
                        }
                        catch (Exception ex) when (ex is SocketException or IOException or BenchSetupException or OperationCanceledException or TimeoutException or ObjectDisposedException)
                        {
                            failed[c] = $"{c.User}: {(ex is OperationCanceledException ? "not back within the time limit" : ex.Message)}";
                            if (c.Observer)
                                Interlocked.Decrement(ref observersLeft);
                        }
                    }).ConfigureAwait(false);
                }
                finally
                {
                    await reporting.CancelAsync().ConfigureAwait(false);
                    await report.ConfigureAwait(false);
                    _run.Restarting = false;
                }
                _progress.Note(string.Create(CultureInfo.InvariantCulture,
                    $"restart: {resumed}/{everyone.Length} resumed {Seconds(stopAt, lastResumeAt):0.00} s after the stop signal (listening after {Seconds(stopAt, listeningAt):0.00} s), {failed.Count} failed"));
                if (!stop.IsCancellationRequested)
                    await Task.Delay(AfterCatchUp, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            finally
            {
                phase.CutShort();
            }
        }).ConfigureAwait(false);
        _receiveLoops.AddRange(newLoops);

        // The check, once the phase has drained: every acknowledged message at every observer that is back.
        var total = _lastPhaseTotal ?? new ReceiveStats();
        var acknowledged = _senders.Select(x => Volatile.Read(ref x.Connection.Acked)).ToArray();
        var checkedObservers = observers.Where(o => !failed.ContainsKey(o)).ToArray();
        long missing = 0;
        foreach (var o in checkedObservers)
        {
            for (var j = 0; j < acknowledged.Length; j++)
                missing += Math.Max(0, acknowledged[j] - o.LastSeq![_senders[j].Number - o.SenderBase]);
        }
        var listening = listeningAt != 0 ? Seconds(stopAt, listeningAt) : (double?)null;
        var all = resumed == everyone.Length;
        return new RestartResult
        {
            ServerPid = newPid,
            Log = log,
            Killed = killed,
            StoppedSeconds = Seconds(stopAt, exitedAt),
            ListeningSeconds = listening,
            Connections = everyone.Length,
            Resumed = resumed,
            Failed = failed.Count,
            ResumedSeconds = all ? Seconds(stopAt, lastResumeAt) : null,
            CaughtUpSeconds = caughtUpAt != 0 ? Seconds(stopAt, caughtUpAt) : null,
            ResumesPerSecond = lastResumeAt > listeningAt && listeningAt != 0 ? resumed / Seconds(listeningAt, lastResumeAt) : 0,
            Refused = refused,
            StoredUnanswered = storedUnanswered,
            Resent = resent,
            CaughtUp = caughtUp,
            HistoryRequests = historyRequests,
            Acknowledged = acknowledged.Sum(),
            ObserversChecked = checkedObservers.Length,
            Lost = missing + total.ObservedSkipped,
            Duplicated = total.ObservedDuplicates,
            OutOfOrder = total.ObservedOutOfOrder,
            Chat = chat,
            Cpu = listeningAt != 0 && lastResumeAt > listeningAt ? sampler.CpuShare(listeningAt, lastResumeAt) : null,
            FirstFailures = [.. failed.Values.Take(KeptFailures)],
        };
    }

    /// <summary>
    /// After a sender resumed: which of its sends the old server never answered were stored anyway
    /// (those count as answered), and the rest sent again with their numbers. Returns both counts.
    /// </summary>
    private async Task<(long Stored, long Resent)> ResendUnansweredAsync(BenchSender sender, CancellationToken cancellationToken)
    {
        var connection = sender.Connection;
        if (sender.Pending is { } pending)
            await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken)).ConfigureAwait(false);
        var answered = Volatile.Read(ref connection.Acked);
        var sent = sender.Seq;
        var stored = await connection.HighestStoredAsync(sender.Number, answered, sent, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref connection.Acked, stored - answered);
        if (stored < sent)
            await connection.SendAllAsync(sender.Rebuild(stored + 1, sent), cancellationToken).ConfigureAwait(false);
        return (stored - answered, sent - stored);
    }

    /// <summary>Connects to the server, again and again with a short growing pause while it refuses (it is not listening yet).</summary>
    private async Task<Socket> ConnectRetryingAsync(Action onRefused, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(Settings.Host, Settings.Port, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.TimedOut)
            {
                socket.Dispose();
                onRefused();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
