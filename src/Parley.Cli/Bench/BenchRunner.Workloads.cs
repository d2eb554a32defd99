using System.Globalization;

namespace Parley.Cli.Bench;

/// <summary>The workloads: who connects, who sends, who listens to whom (bigroom in <c>.BigRoom</c>).</summary>
public sealed partial class BenchRunner
{
    /// <summary>
    /// A finished run: the result to report, for a search every step, for bigroom its phases and
    /// memory; for fanout and rooms each server's process id (0: unknown), in <see cref="BenchSettings.Servers"/> order.
    /// </summary>
    public sealed record Outcome(BenchResult Result, IReadOnlyList<BenchResult> Steps, int? ServerPid, BigRoomResult? BigRoom = null)
    {
        public IReadOnlyList<int> NodePids { get; init; } = [];

        /// <summary>fanout --uploads: the uploads that ran through the window, and the server's memory meanwhile.</summary>
        public UploadResult? Uploads { get; init; }
    }

    public async Task<Outcome> RunAsync(CancellationToken stop)
    {
        switch (Settings.Workload)
        {
            case "fanout" or "rooms":
                var pids = SampleNodes();
                var outcome = Settings.Workload == "fanout" ? await FanoutAsync(pids[0], stop).ConfigureAwait(false) : await RoomsAsync(stop).ConfigureAwait(false);
                return outcome with { NodePids = pids, ServerPid = pids[0] != 0 ? pids[0] : null };
            case "idle":
                return await IdleAsync(stop).ConfigureAwait(false);
            case "bigroom":
                return await BigRoomAsync(stop).ConfigureAwait(false);
            default:
                throw new BenchSetupException($"unknown workload '{Settings.Workload}': fanout, rooms, idle or bigroom");
        }
    }

    /// <summary>
    /// fanout: senders bench0..S-1 and receivers benchS..S+C-1, all in one room (over Redis the
    /// senders only publish). Every message should reach every receiver; deliveries to the senders
    /// themselves (they are members too) are read and not counted. With --uploads, accounts after
    /// the receivers' upload files through the window (<c>.Uploads</c>); <paramref name="serverPid"/>
    /// (0: unknown) is the process whose memory is read meanwhile.
    /// </summary>
    private async Task<Outcome> FanoutAsync(int serverPid, CancellationToken stop)
    {
        var s = Settings;
        var room = s.Room;
        var senderSpecs = Enumerable.Range(0, s.Senders).Select(i => new Spec(i, room, Subscribe: false)).ToList();
        var receiverSpecs = Enumerable.Range(s.Senders, s.Receivers).Select(i => new Spec(i, room, Subscribe: true)).ToList();
        // Each upload is a connection of its own beside the uploader's signed-in one.
        RaiseFileLimit(s.Senders + s.Receivers + 2 * s.Uploads);
        await RegisterViaNativeAsync([.. senderSpecs, .. receiverSpecs], stop).ConfigureAwait(false);

        // Receivers first, so that nothing a sender says is missed.
        var (receivers, _, _) = await OpenAllAsync(_run, receiverSpecs, "receivers", stop).ConfigureAwait(false);
        foreach (var r in receivers)
            r.ListenTo(0, s.Senders);
        Adopt(receivers);
        var (senders, _, _) = await OpenAllAsync(_run, senderSpecs, "senders", stop).ConfigureAwait(false);
        Adopt(senders);
        foreach (var c in senders)
            _senders.Add(new BenchSender(c, c.Index, s.Size));
        _receiversPerMessage = s.Receivers;
        if (s.Uploads > 0)
        {
            if (serverPid == 0)
                _progress.Note($"warning: cannot find the server's process (listening on port {s.Port}); give --server-pid for its memory figures");
            var uploaders = await OpenUploadersAsync(s.Senders + s.Receivers, stop).ConfigureAwait(false);
            var body = MakeUploadBody();
            await QuietAsync(stop).ConfigureAwait(false);
            var withUploads = await RunPhaseAsync(s.Rate, s.Warmup, s.Duration, $"fanout {s.Proto.Name()} with {s.Uploads} uploads", stop,
                phase => UploadAlongsideAsync(phase, uploaders, body, serverPid, stop)).ConfigureAwait(false);
            return new Outcome(withUploads, [], null) { Uploads = _uploadResult };
        }
        await QuietAsync(stop).ConfigureAwait(false);

        if (s.Search)
            return await SearchAsync(stop).ConfigureAwait(false);
        var result = await RunPhaseAsync(s.Rate, s.Warmup, s.Duration, $"fanout {s.Proto.Name()}", stop).ConfigureAwait(false);
        return new Outcome(result, [], null);
    }

    /// <summary>
    /// rooms: N rooms of M members; member j of room k is account k*M+j, sends into its room and
    /// hears the other M-1 (over Redis each member has a subscriber and a publisher connection,
    /// and its own messages, which Redis echoes, are not counted).
    /// </summary>
    private async Task<Outcome> RoomsAsync(CancellationToken stop)
    {
        var s = Settings;
        var specs = new List<Spec>();
        for (var k = 0; k < s.Rooms; k++)
        {
            var room = s.Room + "r" + k.ToString(CultureInfo.InvariantCulture);
            for (var j = 0; j < s.Members; j++)
                specs.Add(new Spec(k * s.Members + j, room, Subscribe: true));
        }
        RaiseFileLimit(specs.Count * (s.Proto == BenchProto.Redis ? 2 : 1));
        await RegisterViaNativeAsync(specs, stop).ConfigureAwait(false);
        var (members, _, _) = await OpenAllAsync(_run, specs, "members", stop).ConfigureAwait(false);
        foreach (var m in members)
            m.ListenTo(m.Index - m.Index % s.Members, s.Members, selfSlot: m.Index % s.Members);
        Adopt(members);
        if (s.Proto == BenchProto.Redis)
        {
            var (publishers, _, _) = await OpenAllAsync(_run, specs.Select(x => x with { Subscribe = false }).ToList(), "publishers", stop).ConfigureAwait(false);
            Adopt(publishers);
            members = publishers;
        }
        foreach (var m in members)
            _senders.Add(new BenchSender(m, m.Index, s.Size));
        _receiversPerMessage = s.Members - 1;
        await QuietAsync(stop).ConfigureAwait(false);
        if (s.Search)
            return await SearchAsync(stop).ConfigureAwait(false);
        var result = await RunPhaseAsync(s.Rate, s.Warmup, s.Duration, $"rooms {s.Proto.Name()}", stop).ConfigureAwait(false);
        return new Outcome(result, [], null);
    }

    /// <summary>
    /// idle: N connections signed in and in no room; the server's resident memory before, after
    /// the first half has signed in and settled, and after all have. The first reading gives the
    /// whole cost per connection; the slope between the other two leaves out what the server pays
    /// once whatever the count (code run for the first time, caches filled by the first sign-ins).
    /// </summary>
    private async Task<Outcome> IdleAsync(CancellationToken stop)
    {
        var s = Settings;
        var pid = s.ServerPid != 0 ? s.ServerPid : IsLocal(s.Host) ? ProcessInfo.FindListener(s.Port) : 0;
        if (pid == 0)
            _progress.Note($"warning: cannot find the server's process (listening on port {s.Port}); give --server-pid for its memory figures");
        var specs = Enumerable.Range(0, s.Connections).Select(i => new Spec(i, "", Subscribe: false)).ToList();
        RaiseFileLimit(s.Connections);
        await RegisterViaNativeAsync(specs, stop).ConfigureAwait(false);
        var before = pid != 0 ? ProcessInfo.ResidentBytes(pid) : null;
        var warmCount = s.Connections / 2;
        var connections = new List<BenchConnection>(s.Connections);
        var times = new LatencyHistogram();
        var seconds = 0.0;
        long? warm = null;
        if (warmCount > 0)
        {
            await OpenAndSettleAsync(specs[..warmCount]).ConfigureAwait(false);
            warm = pid != 0 ? ProcessInfo.ResidentBytes(pid) : null;
        }
        await OpenAndSettleAsync(specs[warmCount..]).ConfigureAwait(false);
        var after = pid != 0 ? ProcessInfo.ResidentBytes(pid) : null;
        var closed = _connections.Count(c => c.Closed);
        var result = new BenchResult
        {
            Connections = connections.Count - closed,
            ConnectSeconds = seconds,
            ConnectP50Ms = times.ValueAt(50) / 1000.0,
            ConnectP99Ms = times.ValueAt(99) / 1000.0,
            RssBytesBefore = before,
            RssBytesWarm = warm,
            RssBytesAfter = after,
            BytesPerConnection = before is { } b && after is { } a && connections.Count > 0 ? (double)(a - b) / connections.Count : null,
            MarginalBytesPerConnection = warm is { } w && after is { } a2 && connections.Count > warmCount
                ? (double)(a2 - w) / (connections.Count - warmCount) : null,
            Errors = TotalErrors(),
            Stopped = stop.IsCancellationRequested,
        };
        return new Outcome(result, [], pid == 0 ? null : pid);

        async Task OpenAndSettleAsync(List<Spec> part)
        {
            var (opened, partTimes, partSeconds) = await OpenAllAsync(_run, part, "connections", stop).ConfigureAwait(false);
            Adopt(opened);
            connections.AddRange(opened);
            times.Add(partTimes);
            seconds += partSeconds;
            _progress.Note(string.Create(CultureInfo.InvariantCulture, $"{connections.Count} connections signed in in {seconds:0.00} s; settling {s.Settle.TotalSeconds:0.#} s"));
            try
            {
                await Task.Delay(s.Settle, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// --search: doubles the rate from --rate (or 100 messages/s) while a step keeps p99 (and the
    /// maximum, with --max-bound) under the bound with nothing lost, no errors and the rate actually
    /// reached; then bisects between the last good and the first bad rate to within --precision.
    /// </summary>
    private async Task<Outcome> SearchAsync(CancellationToken stop)
    {
        var s = Settings;
        var steps = new List<BenchResult>();
        BenchResult? best = null;
        double good = 0, bad = 0;
        var rate = s.Rate > 0 ? s.Rate : 100;
        for (var step = 0; step < 24 && !stop.IsCancellationRequested; step++)
        {
            var result = await RunPhaseAsync(rate, s.Warmup, s.Duration, string.Create(CultureInfo.InvariantCulture, $"search {rate:0} msg/s"), stop).ConfigureAwait(false);
            steps.Add(result);
            var ok = Passes(result);
            _progress.Note(string.Create(CultureInfo.InvariantCulture,
                $"step {step + 1}: {rate:0} msg/s -> {result.DeliveriesPerSecond:0} deliveries/s, p99 {result.P99Ms:0.0} ms, max {result.MaxMs:0.0} ms, lost {result.Lost}, errors {result.Errors}: {(ok ? "ok" : "too much")}"));
            if (result.Stopped || AnyClosed())
                break;
            if (ok)
            {
                good = rate;
                if (best is null || result.Rate > best.Rate)
                    best = result;
            }
            else
            {
                bad = rate;
            }
            if (bad == 0)
                rate *= 2;
            else if (good == 0)
                rate /= 2;
            else if (bad / good <= 1 + s.PrecisionPercent / 100)
                break;
            else
                rate = Math.Round((good + bad) / 2);
            if (rate < 1)
                break;
            // Let queues empty before the next step.
            await QuietAsync(stop).ConfigureAwait(false);
        }
        return new Outcome(best ?? steps.LastOrDefault() ?? new BenchResult(), steps, null);
    }

    private bool Passes(BenchResult r) =>
        r.Lost == 0 && r.Duplicated == 0 && r.Errors == 0 && r.P99Ms < Settings.P99Bound.TotalMilliseconds
        && (Settings.MaxBound <= TimeSpan.Zero || r.MaxMs < Settings.MaxBound.TotalMilliseconds)
        && r.Sent >= 0.95 * r.Rate * r.WindowSeconds;

    /// <summary>Waits until the setup's events (joins, presence) have stopped arriving.</summary>
    private static async Task QuietAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(300, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void RaiseFileLimit(int connections)
    {
        var wanted = connections + 256L;
        if (FileLimit.Raise(wanted) is { } limit && limit < wanted)
            throw new BenchSetupException($"{connections} connections need about {wanted} open files, but the limit is {limit}: raise it with `ulimit -n {wanted}` (or higher) in the shell that starts the bench");
    }

    private static bool IsLocal(string host) => host is "127.0.0.1" or "localhost" or "::1" || host.StartsWith("127.", StringComparison.Ordinal);
}
