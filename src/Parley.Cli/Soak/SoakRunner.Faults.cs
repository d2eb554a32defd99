using System.Diagnostics;

namespace Parley.Cli.Soak;

/// <summary>The chaos phase: one fault every FaultInterval, each followed by a presence check.</summary>
public sealed partial class SoakRunner
{
    /// <summary>Users signed in (or away) for less than this are not held against a node's `online`: events take a moment to travel.</summary>
    private static readonly TimeSpan PresenceSettle = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan PresencePoll = TimeSpan.FromMilliseconds(500);

    private IReadOnlyList<string> FaultKinds()
    {
        var kinds = new List<string>();
        if (_settings.KillServer)
            kinds.Add(_settings.Cluster ? "kill_node" : "kill_server");
        if (_settings.Cluster && _settings.StallNode)
            kinds.Add("stall_node");
        if (_settings.Cluster && _settings.RestartRedis)
            kinds.Add("restart_redis");
        if (_settings.Cluster && _settings.CutRedis)
            kinds.Add("cut_redis");
        return kinds;
    }

    private async Task RunFaultsAsync(CancellationToken stop)
    {
        var kinds = FaultKinds();
        var end = Stopwatch.GetTimestamp() + (long)(_settings.Chaos.TotalSeconds * Stopwatch.Frequency);
        var next = Stopwatch.GetTimestamp() + (long)(_settings.FaultInterval.TotalSeconds * Stopwatch.Frequency);
        var number = 0;
        while (true)
        {
            // Decided on the schedule, not on the clock after the wait: Task.Delay may end a little
            // early, and a fault due exactly at the end would then slip in.
            var last = next >= end;
            var wait = Math.Min(next, end) - Stopwatch.GetTimestamp();
            if (wait > 0)
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop).ConfigureAwait(false);
            if (last)
                return;
            next += (long)(_settings.FaultInterval.TotalSeconds * Stopwatch.Frequency);
            if (kinds.Count == 0)
                continue;
            var kind = kinds[number % kinds.Count];
            var node = _nodes[number / Math.Max(1, kinds.Count) % _nodes.Count];
            number++;
            var fault = await InjectAsync(kind, node, stop).ConfigureAwait(false);
            _faults.Add(fault);
            fault.PresenceConvergedSeconds = await PresenceConvergenceAsync(stop).ConfigureAwait(false);
            Note($"fault {fault.Kind} on {fault.Target}: {fault.StartSeconds:0.0}-{fault.EndSeconds:0.0} s; presence agreed {(fault.PresenceConvergedSeconds is { } s ? $"after {s:0.0} s" : "NOT within the bound")}");
            if (fault.PresenceConvergedSeconds is not { } converged || converged > _settings.PresenceBound.TotalSeconds)
                _ledger.Violation($"presence did not converge within {_settings.PresenceBound.TotalSeconds} s after {kind} on {fault.Target} ({(fault.PresenceConvergedSeconds is { } c ? $"{c:0.0} s" : "not at all")}): {_lastPresenceMismatch}");
        }
    }

    private async Task<FaultRecord> InjectAsync(string kind, ParleyNode node, CancellationToken stop)
    {
        var start = _ledger.Elapsed;
        var target = node.Name;
        switch (kind)
        {
            case "kill_server":
            case "kill_node":
                await node.KillAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(500 + Random.Shared.Next(1500)), stop).ConfigureAwait(false);
                await node.StartAsync(stop).ConfigureAwait(false);
                break;
            case "stall_node":
                node.Pause();
                try
                {
                    await Task.Delay(_settings.StallFor, stop).ConfigureAwait(false);
                }
                finally
                {
                    node.Resume();
                }
                break;
            case "restart_redis":
                target = "redis";
                await _redis!.KillAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                await _redis.StartAsync(stop).ConfigureAwait(false);
                break;
            case "cut_redis":
                target = "redis (proxy cut)";
                _proxy!.Cut();
                try
                {
                    await Task.Delay(_settings.RedisCutFor, stop).ConfigureAwait(false);
                }
                finally
                {
                    _proxy.Mend();
                }
                break;
        }
        return new FaultRecord(kind, target, start, _ledger.Elapsed);
    }

    private string _lastPresenceMismatch = "";

    /// <summary>
    /// Polls every node's `online` (through its monitor) until each lists every user signed in for
    /// a moment and none away for a moment; returns the seconds that took, or null past the bound
    /// plus 10 s.
    /// </summary>
    private async Task<double?> PresenceConvergenceAsync(CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var limit = _settings.PresenceBound + TimeSpan.FromSeconds(10);
        IEnumerable<IPresenceSubject> subjects = [.. _clients, .. _monitors, _auditor!, .. _ircClients];
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            var agreed = true;
            foreach (var monitor in _monitors)
            {
                var online = monitor.Connected ? await monitor.OnlineAsync(stop).ConfigureAwait(false) : null;
                if (online is null)
                {
                    agreed = false;
                    _lastPresenceMismatch = $"{monitor.Name} cannot ask its node";
                    break;
                }
                foreach (var subject in subjects)
                {
                    var since = subject.SignedInSince;
                    var away = subject.OfflineSince;
                    if (since != 0 && Stopwatch.GetElapsedTime(since) >= PresenceSettle && !online.Contains(subject.Name))
                    {
                        agreed = false;
                        _lastPresenceMismatch = $"{monitor.Name}'s node lists {subject.Name} offline, signed in {Stopwatch.GetElapsedTime(since).TotalSeconds:0.0} s ago";
                        break;
                    }
                    if (away != 0 && Stopwatch.GetElapsedTime(away) >= PresenceSettle && online.Contains(subject.Name))
                    {
                        agreed = false;
                        _lastPresenceMismatch = $"{monitor.Name}'s node lists {subject.Name} online, away for {Stopwatch.GetElapsedTime(away).TotalSeconds:0.0} s";
                        break;
                    }
                }
                if (!agreed)
                    break;
            }
            if (agreed)
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            await Task.Delay(PresencePoll, stop).ConfigureAwait(false);
        }
        return null;
    }
}
