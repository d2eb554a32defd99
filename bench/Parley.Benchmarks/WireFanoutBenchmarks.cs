using BenchmarkDotNet.Attributes;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;
using Parley.Server.Hosting;
using Parley.Server.Transports;
using Parley.Server.Transports.Sockets;

namespace Parley.Benchmarks;

/// <summary>
/// One room message end to end through the real listeners and connection handlers over loopback
/// TCP, minus disk: a native client writes a <c>send</c> line; the server's reader, woken by the
/// epoll thread, frames and parses it, the hub numbers it (in-memory backplane) and offers it to
/// every receiver's session; each receiver's queue runs its writer (LineConnection) on the thread
/// pool, which writes and sends to its socket. The op ends when every receiver has its line. Receivers speak
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
    private readonly List<SocketListener> _listeners = [];
    private EpollReadiness _readiness = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = new BenchServer();
        await _server.StartAsync();
        _readiness = new EpollReadiness(NullLogger<EpollReadiness>.Instance, new ServerFault(_server.Lifetime));
        var perAddress = new ConnectionsPerAddress(_server.Options);
        var native = new TcpJsonConnectionHandler(
            new NativeSessionFactory(_server.Hub, new JsonEventEncoder(_server.Hub.Links), _server.Options, TimeProvider.System, perAddress, _server.Lifetime,
                NullLogger<NativeSessionFactory>.Instance),
            _server.Options);
        var irc = new IrcConnectionHandler(
            new IrcSessionFactory(_server.Hub, new IrcEventEncoder(), new IrcServerInfo("parley", "Parley", "bench", DateTimeOffset.UtcNow),
                _server.Options, TimeProvider.System, perAddress, NullLogger<IrcSessionFactory>.Instance));
        var nativeEndpoint = await ListenAsync("tcp", native.OnConnected);
        var ircEndpoint = await ListenAsync("irc", irc.OnConnected);
        var timeout = TimeSpan.FromSeconds(30);

        for (var i = 0; i < Receivers; i++)
        {
            var user = $"u{i}";
            var registering = await WireClient.ConnectAsync(nativeEndpoint, Count);
            registering.Write($"{{\"id\":1,\"type\":\"register\",\"user\":\"{user}\",\"password\":\"password1\"}}\n");
            await registering.WaitForAsync("\"re\":1", timeout);
            if (Protocol == "json")
            {
                _clients.Add(registering);
                continue;
            }
            await registering.CloseAsync();
            var client = await WireClient.ConnectAsync(ircEndpoint, Count);
            client.Write($"PASS password1\r\nNICK {user}\r\nUSER {user} 0 * :{user}\r\n");
            await client.WaitForAsync(" 001 ", timeout);
            _clients.Add(client);
        }
        _sender = await WireClient.ConnectAsync(nativeEndpoint, _ => { });
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

    private async Task<IPEndPoint> ListenAsync(string transport, Action<ITransportConnection> handle)
    {
        var listener = new SocketListener(new IPEndPoint(IPAddress.Loopback, 0), transport, handle, 100_000, _readiness, _server.Lifetime,
            NullLogger<SocketListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        _listeners.Add(listener);
        return listener.BoundEndpoint!;
    }

    /// <summary>Runs on whichever thread flushed to a receiver: count, and wake the benchmark once all have their line.</summary>
    private void Count(long lines)
    {
        if (_counting && Interlocked.Add(ref _received, lines) >= Volatile.Read(ref _target))
            _allReceived.Set();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var listener in _listeners)
            listener.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _readiness.Dispose();
    }

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
