using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;
using Parley.Server.Transports;

namespace Parley.Benchmarks;

/// <summary>
/// One room message end to end through the real connection handlers, minus sockets and disk:
/// a native client writes a <c>send</c> line; the server's reader loop frames and parses it,
/// the hub numbers it (in-memory backplane) and offers it to every receiver's session; each
/// receiver's own async writer loop (LineConnection) wakes on the thread pool, writes and flushes
/// to its connection's output pipe. The op ends when every receiver has its line. Receivers speak
/// the native protocol or IRC. Allocated counts every thread; the difference between 1000 and 10
/// receivers, divided by 990, is what one more delivery costs.
/// </summary>
[MemoryDiagnoser]
public class WireFanoutBenchmarks
{
    [Params("json", "irc")]
    public string Protocol { get; set; } = "json";

    [Params(10, 1000)]
    public int Receivers { get; set; }

    private BenchServer _server = null!;
    private WireClient _sender = null!;
    private readonly ManualResetEventSlim _allReceived = new(false);
    private long _received;
    private long _target;
    private byte[] _sendLine = [];
    private readonly List<WireClient> _clients = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = new BenchServer();
        await _server.StartAsync();
        var native = new TcpJsonConnectionHandler(
            new NativeSessionFactory(_server.Hub, new JsonEventEncoder(), _server.Options, TimeProvider.System, _server.Lifetime,
                NullLogger<NativeSessionFactory>.Instance),
            _server.Options);
        var irc = new IrcConnectionHandler(
            new IrcSessionFactory(_server.Hub, new IrcEventEncoder(), new IrcServerInfo("parley", "Parley", "bench", DateTimeOffset.UtcNow),
                _server.Options, TimeProvider.System, _server.Lifetime, NullLogger<IrcSessionFactory>.Instance));
        var timeout = TimeSpan.FromSeconds(30);

        for (var i = 0; i < Receivers; i++)
        {
            var user = $"u{i}";
            var registering = WireClient.Connect(native, Count);
            registering.Write($"{{\"id\":1,\"type\":\"register\",\"user\":\"{user}\",\"password\":\"password1\"}}\n");
            await registering.WaitForAsync("\"re\":1", timeout);
            if (Protocol == "json")
            {
                _clients.Add(registering);
                continue;
            }
            await registering.CloseAsync();
            var client = WireClient.Connect(irc, Count);
            client.Write($"PASS password1\r\nNICK {user}\r\nUSER {user} 0 * :{user}\r\n");
            await client.WaitForAsync(" 001 ", timeout);
            _clients.Add(client);
        }
        _sender = WireClient.Connect(native, _ => { });
        _sender.Write("{\"id\":1,\"type\":\"register\",\"user\":\"sender\",\"password\":\"password1\"}\n");
        await _sender.WaitForAsync("\"re\":1", timeout);
        _sendLine = Samples.SendLine;

        // Let the set-up's join and presence events settle, then count only what the sends deliver.
        await Task.Delay(500);
        foreach (var client in _clients)
            client.StopCapturing();
        _sender.StopCapturing();
        _counting = true;
        Send();
        await Task.Delay(200);
        if (Interlocked.Read(ref _received) != Receivers)
            throw new InvalidOperationException($"one send reached {_received} lines, not {Receivers}");
    }

    private volatile bool _counting;

    /// <summary>Runs on whichever thread flushed to a receiver: count, and wake the benchmark once all have their line.</summary>
    private void Count(long lines)
    {
        if (_counting && Interlocked.Add(ref _received, lines) >= Volatile.Read(ref _target))
            _allReceived.Set();
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public void Send()
    {
        _allReceived.Reset();
        var target = Interlocked.Add(ref _target, Receivers);
        _sender.Write(_sendLine);
        while (Interlocked.Read(ref _received) < target)
            _allReceived.Wait();
    }
}
