using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>The bigroom workload: many members in one room, arriving all together and leaving all together while people chat.</summary>
public sealed partial class BenchRunner
{
    /// <summary>Chat before the mass disconnect whose server memory is the "steady" figure.</summary>
    private static readonly TimeSpan SteadyStretch = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan RssInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// bigroom: members bench0..N-1 sign in to one room (Parley: the lobby every account starts in;
    /// IRC: JOIN #lobby) and stay. First the observers (--receivers, accounts after the senders')
    /// and the senders (--senders, accounts N..) sign in and chat starts at --rate; then, in three
    /// phases with chat all along:
    /// 1. the sign-in storm: the N members sign in, --concurrency at a time, each reading from the
    ///    moment it is in (the window is the storm; sign-ins/s overall, of the first 1,000 and per tenth);
    /// 2. steady chat for --duration: every member should receive every message;
    /// 3. the mass disconnect: every member closes at once (observers and senders stay); the window
    ///    is --settle s from then on, and the server's RSS, read every 100 ms all run long, gives
    ///    steady (the median of the 3 s before), peak after, and when it came back within 10 %.
    /// The server's and the generator's CPU time, read with the RSS, give each one's share of a
    /// core in each window: which side limited it.
    /// Latency counts every receiver; losses count the observers while members come or go (phases
    /// 1 and 3) and everyone in phase 2.
    /// </summary>
    private async Task<Outcome> BigRoomAsync(CancellationToken stop)
    {
        var s = Settings;
        var n = s.Members;
        var memberSpecs = Enumerable.Range(0, n).Select(i => new Spec(i, s.Room, Subscribe: true)).ToList();
        var senderSpecs = Enumerable.Range(n, s.Senders).Select(i => new Spec(i, s.Room, Subscribe: false)).ToList();
        var observerSpecs = Enumerable.Range(n + s.Senders, s.Receivers).Select(i => new Spec(i, s.Room, Subscribe: true)).ToList();
        RaiseFileLimit(n + s.Senders + s.Receivers);
        var pid = s.ServerPid != 0 ? s.ServerPid : IsLocal(s.Host) ? ProcessInfo.FindListener(s.Port) : 0;
        if (s.Restart && (pid == 0 || !IsLocal(s.Host)))
            throw new BenchSetupException($"--restart restarts the server itself, so it must run on this machine: cannot find its process (listening on port {s.Port}); give --server-pid");
        if (pid == 0)
            _progress.Note($"warning: cannot find the server's process (listening on port {s.Port}); give --server-pid for its memory figures");
        await using var sampler = new ProcessSampler(pid, RssInterval);
        var rssBeforeStorm = sampler.Now();
        // IRC against Parley with --register-port: the accounts are made first, so the storm is of logins.
        await RegisterViaNativeAsync([.. memberSpecs, .. senderSpecs, .. observerSpecs], stop).ConfigureAwait(false);

        var (observers, _, _) = await OpenAllAsync(_run, observerSpecs, "observers", stop).ConfigureAwait(false);
        foreach (var o in observers)
        {
            o.Observer = true;
            o.ListenTo(n, s.Senders);
        }
        Adopt(observers);
        var (senders, _, _) = await OpenAllAsync(_run, senderSpecs, "senders", stop).ConfigureAwait(false);
        Adopt(senders);
        foreach (var c in senders)
            _senders.Add(new BenchSender(c, c.Index, s.Size));
        await QuietAsync(stop).ConfigureAwait(false);

        // 1. The storm. Members read from the moment they are in; they join the run's lists after
        //    it (the progress line walks those lists meanwhile). Each sign-in may cost the server
        //    work for every member already in, so the storm may take as long as the whole run.
        _receiversPerMessage = observers.Length;
        _lossAtObserversOnly = true;
        var memberLoops = new ConcurrentQueue<Task>();
        var completions = new long[n];
        var members = Array.Empty<BenchConnection>();
        var signInTimes = new LatencyHistogram();
        var stormStart = 0L;
        var storm = await RunPhaseAsync(s.Rate, s.Warmup, s.Timeout, $"bigroom {s.Proto.Name()} sign-in storm", stop, async phase =>
        {
            try
            {
                await DelayUntilAsync(phase.WindowStart, stop).ConfigureAwait(false);
                stormStart = Stopwatch.GetTimestamp();
                (members, signInTimes, _) = await OpenAllAsync(_run, memberSpecs, "members", stop, ready: m =>
                {
                    if (s.IdleMembers)
                        return;
                    m.ListenTo(n, s.Senders);
                    memberLoops.Enqueue(m.StartReceiving(_stopLoops.Token));
                }, completions, limit: s.Timeout).ConfigureAwait(false);
            }
            finally
            {
                phase.CutShort();
            }
        }).ConfigureAwait(false);
        _connections.AddRange(members);
        _receiveLoops.AddRange(memberLoops);
        storm = storm with { Errors = storm.Errors + members.Sum(m => Volatile.Read(ref m.Errors)) };
        var (signInSeconds, firstThousand, deciles) = BigRoomResult.Rates(stormStart, completions);
        _progress.Note(string.Create(CultureInfo.InvariantCulture,
            $"{n} members signed in in {signInSeconds:0.00} s ({n / Math.Max(signInSeconds, 1e-9):0} /s); chat p99 {storm.P99Ms:0.0} ms, lost {storm.Lost}"));
        var stormEnd = Stopwatch.GetTimestamp();
        // A storm shorter than the sampling interval may hold no sample: read once more at its end.
        var rssStormPeak = ProcessSampler.Peak([.. sampler.Between(stormStart, stormEnd), .. sampler.Now() is { } atEnd ? [(stormEnd, atEnd)] : Array.Empty<(long, long)>()]);

        // 2. Steady chat: everyone present receives everything.
        _receiversPerMessage = observers.Length + (s.IdleMembers ? 0 : members.Length);
        _lossAtObserversOnly = s.IdleMembers;
        await QuietAsync(stop).ConfigureAwait(false);
        var steady = await RunPhaseAsync(s.Rate, s.Warmup, s.Duration, $"bigroom {s.Proto.Name()} steady", stop).ConfigureAwait(false);

        // 2b. --restart: the server stopped and started again under everyone; from here on the sampler follows the new process.
        RestartResult? restart = null;
        if (s.Restart && !stop.IsCancellationRequested)
        {
            await QuietAsync(stop).ConfigureAwait(false);
            restart = await RestartAsync(pid, observers, members, sampler, stop).ConfigureAwait(false);
            if (restart.ServerPid != 0)
                pid = restart.ServerPid;
            _progress.Note(string.Create(CultureInfo.InvariantCulture,
                $"restart: {restart.Resumed}/{restart.Connections} resumed in {restart.ResumedSeconds ?? double.NaN:0.00} s; observers lost {restart.Lost}, duplicated {restart.Duplicated}, out of order {restart.OutOfOrder}"));
        }

        // 3. The mass disconnect, after a stretch of chat whose memory is the steady figure.
        _receiversPerMessage = observers.Length;
        _lossAtObserversOnly = true;
        var closeAt = 0L;
        var closeSeconds = 0.0;
        var disconnect = await RunPhaseAsync(s.Rate, s.Warmup + SteadyStretch, s.Settle, $"bigroom {s.Proto.Name()} mass disconnect", stop, async phase =>
        {
            await DelayUntilAsync(phase.WindowStart, stop).ConfigureAwait(false);
            closeAt = Stopwatch.GetTimestamp();
            foreach (var m in members)
                m.Dispose();
            closeSeconds = Stopwatch.GetElapsedTime(closeAt).TotalSeconds;
        }).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();

        var lead = (long)(SteadyStretch.TotalSeconds * Stopwatch.Frequency);
        var before = sampler.Between(closeAt - lead, closeAt);
        var after = sampler.Between(closeAt, end);
        var rssSteady = ProcessSampler.Median(before);
        var big = new BigRoomResult
        {
            Members = n,
            SignedIn = members.Length,
            SignInSeconds = signInSeconds,
            FirstThousandPerSecond = firstThousand,
            DecilesPerSecond = deciles,
            SignInP50Ms = signInTimes.ValueAt(50) / 1000.0,
            SignInP99Ms = signInTimes.ValueAt(99) / 1000.0,
            Storm = storm,
            Steady = steady,
            Disconnect = disconnect,
            Restart = restart,
            Closed = members.Length,
            CloseSeconds = closeSeconds,
            RssBeforeStorm = rssBeforeStorm,
            RssStormPeak = rssStormPeak,
            RssSteady = rssSteady,
            RssDisconnectPeak = ProcessSampler.Peak(after),
            RssRecoverySeconds = rssSteady is { } steadyBytes && closeAt != 0 ? ProcessSampler.SecondsUntilWithin(after, closeAt, steadyBytes + steadyBytes / 10) : null,
            RssAfter = after.Count > 0 ? after[^1].Bytes : null,
            RssSampleMs = RssInterval.TotalMilliseconds,
            StormCpu = sampler.CpuShare(stormStart, stormStart + (long)(signInSeconds * Stopwatch.Frequency)),
            SteadyCpu = sampler.CpuShare(steady.WindowStartTicks, steady.WindowEndTicks),
            DisconnectCpu = sampler.CpuShare(disconnect.WindowStartTicks, disconnect.WindowEndTicks),
            RssSeriesKib = [.. before.Concat(after).Select(x => x.Bytes / 1024)],
            RssSeriesLeadSeconds = before.Count > 0 ? (double)(closeAt - before[0].Ticks) / Stopwatch.Frequency : 0,
        };
        return new Outcome(steady, [], pid == 0 ? null : pid, big);
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken stop)
    {
        var wait = (timestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency;
        if (wait <= 0)
            return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(wait), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
