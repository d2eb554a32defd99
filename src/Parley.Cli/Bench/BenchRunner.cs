using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// Runs one workload: sets up the connections (bounded concurrency), starts a receive loop on each,
/// runs the measured phases and closes everything. Partial files: <c>.Phases</c> (sending, draining,
/// counting), <c>.Workloads</c> (fanout, rooms, idle, search), <c>.BigRoom</c>.
/// </summary>
public sealed partial class BenchRunner : IAsyncDisposable
{
    private readonly BenchRun _run;
    private readonly Progress _progress;
    private readonly List<BenchConnection> _connections = [];
    private readonly List<BenchSender> _senders = [];
    private readonly List<Task> _receiveLoops = [];
    private readonly CancellationTokenSource _stopLoops = new();

    public BenchRunner(BenchSettings settings, Progress progress)
    {
        _run = new BenchRun(settings);
        _progress = progress;
    }

    private BenchSettings Settings => _run.Settings;

    public IReadOnlyList<string> FirstErrors => _run.FirstErrors;

    /// <summary>Receivers each message should reach (fanout: all receivers; rooms: the other members).</summary>
    private int _receiversPerMessage;

    /// <summary>bigroom, while members come or go: losses are counted at the observers only (<see cref="_receiversPerMessage"/> is their number).</summary>
    private bool _lossAtObserversOnly;

    private sealed record Spec(int Index, string Room, bool Subscribe);

    /// <summary>fanout, rooms: the CPU sampler of each server (<see cref="BenchSettings.Servers"/>, or the one), null where its process is unknown.</summary>
    private readonly List<ProcessSampler?> _nodeSamplers = [];

    /// <summary>fanout, rooms: the CPU sampler of each of <see cref="BenchSettings.CpuPids"/>.</summary>
    private readonly List<ProcessSampler> _otherSamplers = [];

    internal static readonly TimeSpan NodeCpuInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// fanout, rooms: finds each server's process by its listening port (on this machine only) and
    /// samples its CPU time, and the generator's and that of <see cref="BenchSettings.CpuPids"/>, for the phases' figures. Returns the servers'
    /// process ids in order (0: not found).
    /// </summary>
    private int[] SampleNodes()
    {
        var s = Settings;
        var count = Math.Max(1, s.Servers.Count);
        var pids = new int[count];
        for (var i = 0; i < count; i++)
        {
            var (host, port) = s.Servers.Count == 0 ? (s.Host, s.Port) : (s.Servers[i].Host, s.Servers[i].Port);
            pids[i] = i == 0 && s.ServerPid != 0 ? s.ServerPid : IsLocal(host) ? ProcessInfo.FindListener(port) : 0;
            _nodeSamplers.Add(pids[i] == 0 ? null : new ProcessSampler(pids[i], NodeCpuInterval));
        }
        foreach (var pid in s.CpuPids)
            _otherSamplers.Add(new ProcessSampler(pid, NodeCpuInterval));
        return pids;
    }

    /// <summary>
    /// Opens and sets up connections, <see cref="BenchSettings.ConnectConcurrency"/> at a time; returns them in order, with each one's setup time.
    /// <paramref name="ready"/> is called with each as soon as it is set up (from several threads at once);
    /// <paramref name="completions"/>, when given, gets the time stamp of the k-th completed setup at k.
    /// Setting them all up may take <paramref name="limit"/> (by default a minute plus 20 ms each).
    /// </summary>
    private async Task<(BenchConnection[] Connections, LatencyHistogram SetupMicros, double Seconds)> OpenAllAsync(
        BenchRun run, IReadOnlyList<Spec> specs, string what, CancellationToken cancellationToken,
        Action<BenchConnection>? ready = null, long[]? completions = null, TimeSpan? limit = null)
    {
        var result = new BenchConnection[specs.Count];
        var times = new long[specs.Count];
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var report = _progress.EverySecondAsync(() => $"{what}: {Volatile.Read(ref done)}/{specs.Count} set up", reporting.Token);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(20.0 * specs.Count));
            await Parallel.ForEachAsync(Enumerable.Range(0, specs.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Settings.ConnectConcurrency, CancellationToken = timeout.Token },
                async (i, token) =>
                {
                    var spec = specs[i];
                    var start = Stopwatch.GetTimestamp();
                    var connection = await BenchConnection.OpenAsync(run, spec.Index, spec.Room, token).ConfigureAwait(false);
                    result[i] = connection;
                    await connection.SetUpAsync(spec.Subscribe, token).ConfigureAwait(false);
                    connection.TrimSetupBuffer();
                    var end = Stopwatch.GetTimestamp();
                    times[i] = (long)Stopwatch.GetElapsedTime(start, end).TotalMicroseconds;
                    ready?.Invoke(connection);
                    var order = Interlocked.Increment(ref done) - 1;
                    if (completions is not null)
                        completions[order] = end;
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var c in result)
                c?.Dispose();
            throw new BenchSetupException($"{what}: setting up {specs.Count} connections timed out ({done} done)");
        }
        catch
        {
            foreach (var c in result)
                c?.Dispose();
            throw;
        }
        finally
        {
            await reporting.CancelAsync().ConfigureAwait(false);
            await report.ConfigureAwait(false);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var histogram = new LatencyHistogram();
        foreach (var t in times)
            histogram.Record(t);
        return (result, histogram, seconds);
    }

    /// <summary>Adds connections to the run and starts their receive loops.</summary>
    private void Adopt(IEnumerable<BenchConnection> connections)
    {
        foreach (var connection in connections)
        {
            _connections.Add(connection);
            _receiveLoops.Add(connection.StartReceiving(_stopLoops.Token));
        }
    }

    /// <summary>
    /// For IRC against Parley with --register-port: makes (or checks) the accounts and their room
    /// membership over the native protocol first, since an IRC PASS signs in but cannot register.
    /// </summary>
    private async Task RegisterViaNativeAsync(IReadOnlyList<Spec> specs, CancellationToken cancellationToken)
    {
        if (Settings.Proto != BenchProto.Irc || Settings.RegisterPort is not { } port)
            return;
        var native = new BenchRun(Settings with { Proto = BenchProto.Native, Port = port });
        var (connections, _, _) = await OpenAllAsync(native, specs, "registering over native", cancellationToken).ConfigureAwait(false);
        foreach (var c in connections)
            c.Dispose();
    }

    private long TotalErrors()
    {
        long errors = 0;
        foreach (var c in _connections)
            errors += Volatile.Read(ref c.Errors);
        return errors;
    }

    private bool AnyClosed()
    {
        foreach (var c in _connections)
        {
            if (c.Closed)
                return true;
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _run.Stopping = true;
        await _stopLoops.CancelAsync().ConfigureAwait(false);
        foreach (var c in _connections)
            c.Dispose();
        try
        {
            await Task.WhenAll(_receiveLoops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }
        _stopLoops.Dispose();
        foreach (var sampler in _nodeSamplers.Concat(_otherSamplers))
        {
            if (sampler is not null)
                await sampler.DisposeAsync().ConfigureAwait(false);
        }
    }
}
