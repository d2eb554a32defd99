using System.Diagnostics;
using System.Globalization;

namespace Parley.Cli.Soak;

/// <summary>
/// One soak run from start to verdict: starts its own servers (one SQLite server, or Redis, a
/// proxy and two nodes), signs the population in, lets it chat through a warm-up and a phase of
/// scheduled faults, then stops the traffic, settles every send, and checks the invariants.
/// Progress lines go to the given writer.
/// </summary>
public sealed partial class SoakRunner : IAsyncDisposable
{
    private const int SetupConcurrency = 16;

    /// <summary>From the end of the traffic to the final RSS reading, at least.</summary>
    private static readonly TimeSpan QuietBeforeRss = TimeSpan.FromSeconds(10);

    private readonly SoakSettings _settings;
    private readonly TextWriter _progress;
    private readonly string _workDirectory;
    private readonly List<ParleyNode> _nodes = [];
    private readonly List<SoakClient> _clients = [];
    private readonly List<IrcSoakClient> _ircClients = [];
    private readonly List<SoakClient> _monitors = [];
    private readonly List<FaultRecord> _faults = [];
    private readonly List<RssSample> _rss = [];
    private readonly Dictionary<string, long?> _rssAfterWarmup = [];
    private readonly SoakLedger _ledger;
    private RedisNode? _redis;
    private RedisProxy? _proxy;
    private SoakClient? _auditor;
    private SoakWorld? _world;

    public SoakRunner(SoakSettings settings, TextWriter progress)
    {
        _settings = settings;
        _progress = progress;
        _ledger = new SoakLedger(settings.ReportInterval);
        _workDirectory = Path.Combine(Path.GetTempPath(), "parley-soak-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_workDirectory);
    }

    /// <summary>Where the servers' data is (deleted at the end; their logs go to the output directory).</summary>
    public string WorkDirectory => _workDirectory;

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_settings.HardLimit);
        try
        {
            return await RunWithinAsync(limit.Token).ConfigureAwait(false);
        }
        finally
        {
            // However the run ended, every client loop and the sampler stop with it (their
            // tokens are linked to this one), not only the servers.
            await limit.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task<SoakResult> RunWithinAsync(CancellationToken stop)
    {
        await StartServersAsync(stop).ConfigureAwait(false);
        _world = new SoakWorld(_settings, _ledger, _nodes);
        await SetUpPopulationAsync(stop).ConfigureAwait(false);

        // Not disposed here: a run that fails halfway must still cancel them through `stop`.
        var trafficStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var samplingStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var sampling = SampleRssAsync(samplingStop.Token);
        var traffic = StartTraffic(trafficStop.Token);

        Note($"warm-up: {_settings.Warmup.TotalSeconds:0} s of traffic, no faults");
        await Task.Delay(_settings.Warmup, stop).ConfigureAwait(false);
        foreach (var node in _nodes)
            _rssAfterWarmup[node.Name] = node.ResidentBytes();
        Note("rss after warm-up: " + string.Join(", ", _rssAfterWarmup.Select(x => $"{x.Key} {Mib(x.Value)}")));

        Note($"chaos: {_settings.Chaos.TotalSeconds:0} s, a fault every {_settings.FaultInterval.TotalSeconds:0} s ({string.Join(", ", FaultKinds())})");
        await RunFaultsAsync(stop).ConfigureAwait(false);

        var rssEndOfTraffic = _nodes.ToDictionary(n => n.Name, n => n.ResidentBytes());
        Note("stopping the traffic; settling every send");
        await trafficStop.CancelAsync().ConfigureAwait(false);
        var trafficStopped = Stopwatch.GetTimestamp();
        await Task.WhenAll(traffic).ConfigureAwait(false);
        await Parallel.ForEachAsync(_clients.Concat(_monitors).Append(_auditor!), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = stop },
            async (client, ct) => await client.SettleAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

        var check = await CheckAsync(stop).ConfigureAwait(false);
        // Read once the servers have been quiet long enough for their memory trimmer
        // (MemoryTrimInterval, 2 s) to give back what the busy stretch took: what stays is what was kept.
        var quiet = QuietBeforeRss - Stopwatch.GetElapsedTime(trafficStopped);
        if (quiet > TimeSpan.Zero)
            await Task.Delay(quiet, stop).ConfigureAwait(false);
        var rssAtEnd = _nodes.ToDictionary(n => n.Name, n => n.ResidentBytes());
        Note("rss at the end of the traffic: " + string.Join(", ", rssEndOfTraffic.Select(x => $"{x.Key} {Mib(x.Value)}")));
        await samplingStop.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        CheckRss(rssAtEnd);
        await StopServersAsync().ConfigureAwait(false);
        var logProblems = ScanLogs();

        return new SoakResult
        {
            Settings = _settings,
            Seconds = _ledger.Elapsed,
            Faults = _faults,
            Rss = _rss,
            Latency = _ledger.LatencyByInterval(),
            Sent = _ledger.Sent,
            Acknowledged = _ledger.Acked.Count,
            StoredUnanswered = _ledger.StoredUnanswered,
            Resent = _ledger.Resent,
            Lost = check.Lost,
            Duplicated = check.Duplicated,
            NeverStoredFound = check.NeverStoredFound,
            IrcSent = _ircClients.Sum(c => c.Sent),
            IrcStored = check.IrcStored,
            Reconnections = _ledger.Reconnections,
            LiveDuplicates = _clients.Sum(c => c.Received.LiveDuplicates),
            OutOfOrder = _clients.Sum(c => c.Received.OutOfOrder),
            Undelivered = check.Undelivered,
            UndeliveredDuringRedisFaults = check.UndeliveredDuringRedisFaults,
            Delivered = check.Delivered,
            SeqGaps = check.SeqGaps,
            Malformed = _ledger.Malformed,
            Oversized = _ledger.Oversized,
            Flooded = _ledger.Flooded,
            MidFrameCuts = _ledger.MidFrameCuts,
            SlowConsumerDrops = _ledger.SlowConsumerDrops,
            LateReplies = _ledger.LateReplies,
            ErrorCodes = new SortedDictionary<string, long>(_ledger.ErrorCodes),
            RssAfterWarmup = _rssAfterWarmup,
            RssAtEnd = rssAtEnd,
            RssEndOfTraffic = rssEndOfTraffic,
            LogProblems = logProblems,
            ViolationCount = _ledger.ViolationCount,
            Violations = [.. _ledger.Violations],
        };
    }

    private async Task StartServersAsync(CancellationToken stop)
    {
        if (_settings.Cluster)
        {
            _redis = new RedisNode(_workDirectory);
            await _redis.StartAsync(stop).ConfigureAwait(false);
            _proxy = new RedisProxy(_redis.Port);
            _proxy.Start();
            Note($"redis-server pid {_redis.Pid} on 127.0.0.1:{_redis.Port} (appendonly yes, appendfsync always), proxy on 127.0.0.1:{_proxy.Port}");
            for (var i = 0; i < 2; i++)
            {
                _nodes.Add(new ParleyNode($"node{i}", _workDirectory, _settings.OutDirectory,
                    ["--store", "redis", "--redis", $"127.0.0.1:{_proxy.Port}"]));
            }
            // One after the other: the first one sets up the store.
            foreach (var node in _nodes)
                await node.StartAsync(stop).ConfigureAwait(false);
        }
        else
        {
            _nodes.Add(new ParleyNode("server", _workDirectory, _settings.OutDirectory, []));
            await _nodes[0].StartAsync(stop).ConfigureAwait(false);
        }
        foreach (var node in _nodes)
            Note($"{node.Name}: pid {node.Pid}, tcp {node.TcpPort}, http {node.HttpPort}, irc {node.IrcPort}, log {node.LogPath}");
    }

    private async Task SetUpPopulationAsync(CancellationToken stop)
    {
        var world = _world!;
        var random = new Random(_settings.Seed);
        _auditor = new SoakClient(world, "auditor", webSocket: false, SoakRole.Auditor, node: 0, seed: _settings.Seed);
        await _auditor.RegisterAsync([], stop).ConfigureAwait(false);
        world.DefaultRoom = _auditor.Rooms[0];
        await _auditor.CreateRoomsAsync(world.Rooms, stop).ConfigureAwait(false);
        for (var i = 0; i < _nodes.Count; i++)
        {
            var monitor = new SoakClient(world, $"monitor{i}", webSocket: false, SoakRole.Monitor, node: i, seed: _settings.Seed + 1 + i);
            _monitors.Add(monitor);
        }
        for (var i = 0; i < _settings.NativeClients; i++)
        {
            var ws = i >= _settings.TcpClients;
            var name = ws ? $"ws{i - _settings.TcpClients}" : $"tcp{i}";
            var client = new SoakClient(world, name, ws, RoleOf(i), node: i % _nodes.Count, seed: _settings.Seed * 1000 + i);
            _clients.Add(client);
            world.Chatters.Add(name);
        }
        var roomsOf = new Dictionary<IPresenceSubject, string[]>();
        string[] PickRooms() => [.. world.Rooms.OrderBy(_ => random.Next()).Take(Math.Min(2, world.Rooms.Count))];
        foreach (var client in _clients)
            roomsOf[client] = PickRooms();
        Note($"signing in {_clients.Count} native clients ({_settings.TcpClients} tcp, {_settings.WsClients} ws), {_monitors.Count} monitors, {_settings.IrcClients} irc; {world.Rooms.Count} rooms");
        await Parallel.ForEachAsync(_clients.Concat(_monitors), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = stop },
            async (client, ct) => await client.RegisterAsync(roomsOf.GetValueOrDefault(client) ?? [], ct).ConfigureAwait(false)).ConfigureAwait(false);

        // IRC users are accounts too: registered and put in their rooms over the native protocol, then they sign in over IRC.
        for (var i = 0; i < _settings.IrcClients; i++)
        {
            var name = $"irc{i}";
            var setup = new SoakClient(world, name, webSocket: false, SoakRole.Chatter, node: 0, seed: 0);
            var rooms = PickRooms();
            await setup.RegisterAsync(rooms, stop).ConfigureAwait(false);
            setup.Drop(reset: false);
            _ircClients.Add(new IrcSoakClient(world, name, rooms, cuts: i % 2 == 1, node: i % _nodes.Count, seed: _settings.Seed * 7 + i));
        }
    }

    /// <summary>A tenth slow readers, a fifth reconnecting at random, a twentieth misbehaving, a twentieth flooding.</summary>
    private static SoakRole RoleOf(int i) => (i % 20) switch
    {
        0 or 10 => SoakRole.SlowReader,
        1 or 2 or 11 or 12 => SoakRole.Reconnector,
        3 => SoakRole.Misbehaver,
        13 => SoakRole.Flooder,
        _ => SoakRole.Chatter,
    };

    private List<Task> StartTraffic(CancellationToken traffic)
    {
        var tasks = new List<Task>();
        foreach (var client in _clients.Concat(_monitors).Append(_auditor!))
            tasks.Add(Task.Run(() => client.RunAsync(traffic), CancellationToken.None));
        foreach (var irc in _ircClients)
            tasks.Add(Task.Run(() => irc.RunAsync(traffic), CancellationToken.None));
        return tasks;
    }

    private async Task SampleRssAsync(CancellationToken stop)
    {
        var interval = _settings.SampleInterval;
        var lastProgress = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            foreach (var node in _nodes)
            {
                if (node.ResidentBytes() is { } bytes)
                {
                    lock (_rss)
                        _rss.Add(new RssSample(_ledger.Elapsed, node.Name, bytes));
                }
            }
            if (Stopwatch.GetElapsedTime(lastProgress) >= TimeSpan.FromSeconds(10))
            {
                lastProgress = Stopwatch.GetTimestamp();
                Note($"sent {_ledger.Sent}, acknowledged {_ledger.Acked.Count}, reconnections {_ledger.Reconnections}, violations {_ledger.ViolationCount}, rss {string.Join(" ", _nodes.Select(n => Mib(n.ResidentBytes())))}");
            }
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>RSS after the run may not exceed RSS after the warm-up by more than the tolerance (a smaller one, as after a restart, is no leak).</summary>
    private void CheckRss(Dictionary<string, long?> atEnd)
    {
        foreach (var (node, end) in atEnd)
        {
            if (_rssAfterWarmup.GetValueOrDefault(node) is not { } start || end is not { } final)
            {
                _ledger.Violation($"{node}: RSS could not be read (after warm-up {Mib(_rssAfterWarmup.GetValueOrDefault(node))}, at end {Mib(end)})");
                continue;
            }
            Note($"{node}: rss after warm-up {Mib(start)}, at end {Mib(final)} ({(double)final / start:0.00}x)");
            if (final > start * (1 + _settings.RssTolerance))
                _ledger.Violation($"{node}: RSS grew from {Mib(start)} after the warm-up to {Mib(final)} at the end (more than {_settings.RssTolerance:P0})");
        }
    }

    private async Task StopServersAsync()
    {
        foreach (var client in _clients.Concat(_monitors).Append(_auditor!))
            client.Drop(reset: false);
        foreach (var node in _nodes)
        {
            var code = await node.TerminateAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (code != 0)
                _ledger.Violation($"{node.Name}: SIGTERM at the end: {(code is null ? "did not stop within 30 s, killed" : $"exit code {code}")}");
        }
        if (_redis is not null)
            await _redis.KillAsync().ConfigureAwait(false);
    }

    /// <summary>Unhandled exceptions and critical entries in the servers' logs are violations; errors are listed.</summary>
    private List<string> ScanLogs()
    {
        var problems = new List<string>();
        foreach (var node in _nodes)
        {
            foreach (var line in File.ReadLines(node.LogPath))
            {
                var unhandled = line.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || line.StartsWith("crit:", StringComparison.Ordinal)
                    || line.Contains("UnobservedTaskException", StringComparison.Ordinal);
                if (unhandled)
                    _ledger.Violation($"{node.Name} log: {Shorten(line)}");
                if (unhandled || line.StartsWith("fail:", StringComparison.Ordinal))
                    problems.Add($"{node.Name}: {Shorten(line)}");
            }
        }
        return problems;
    }

    private void Note(string line) =>
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_ledger.Elapsed,7:0.0}s] {line}"));

    internal static string Mib(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0.0} MiB") : "?";

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Concat(_monitors))
            client.Drop(reset: false);
        _auditor?.Drop(reset: false);
        foreach (var node in _nodes)
            await node.DisposeAsync().ConfigureAwait(false);
        if (_proxy is not null)
            await _proxy.DisposeAsync().ConfigureAwait(false);
        if (_redis is not null)
            await _redis.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Deletes the servers' data.</summary>
    public void DeleteWorkDirectory()
    {
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
