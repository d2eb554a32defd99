using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Transports;

namespace Parley.Benchmarks;

/// <summary>
/// One room message to 1000 signed-in native sessions, in process and on one thread: the hub's
/// delivery loop (Fanout.Deliver: TryDeliver on each session, which encodes once and queues the
/// bytes in the session's bounded channel), then what each connection's writer loop does with
/// its queue (take the frame, write it as a line into the connection's output pipe, flush), the
/// pipe's reader taking the bytes as Kestrel's socket would. No thread hops, so the numbers are
/// the work itself; WireFanoutBenchmarks adds the real async loops. Divide by 1000 for one delivery.
/// </summary>
[MemoryDiagnoser]
public class HubFanoutBenchmarks
{
    public const int Receivers = 1000;

    private BenchServer _server = null!;
    private NativeSession[] _sessions = null!;
    private Pipe[] _outputs = null!;
    private NativeSession _sender = null!;
    private Parley.Core.Model.StoredMessage _message = null!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _server = new BenchServer();
        await _server.StartAsync();
        var encoder = new JsonEventEncoder(_server.Hub.Links);
        var options = _server.Options.Connections;
        _sessions = new NativeSession[Receivers];
        _outputs = new Pipe[Receivers];
        for (var i = 0; i < Receivers; i++)
        {
            _sessions[i] = new NativeSession(_server.Hub, encoder, options, TimeProvider.System);
            _outputs[i] = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
                pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
            await RegisterAsync(_sessions[i], $"u{i}");
        }
        _sender = new NativeSession(_server.Hub, encoder, options, TimeProvider.System);
        await RegisterAsync(_sender, "sender");
        DrainAll();
        while (_sender.Outbound.TryRead(out _))
        {
        }
        _message = Samples.Message();

        // Check the setup: one op delivers exactly one line to every receiver.
        Deliver();
        foreach (var session in _sessions)
            if (session.IsAuthenticated is false || session.CloseReason is not null)
                throw new InvalidOperationException("a receiver is not signed in");
        var before = _lines;
        SendToRoom();
        if (_lines - before != Receivers)
            throw new InvalidOperationException($"one send reached {_lines - before} receivers, not {Receivers}");
    }

    private static async Task RegisterAsync(NativeSession session, string user)
    {
        var line = Encoding.UTF8.GetBytes($"{{\"id\":1,\"type\":\"register\",\"user\":\"{user}\",\"password\":\"password1\"}}");
        await session.HandleFrameAsync(new ReadOnlySequence<byte>(line));
        if (!session.IsAuthenticated)
            throw new InvalidOperationException($"could not register {user}");
    }

    [GlobalCleanup]
    public void Cleanup() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The hub's fan-out of one new broadcast (as DeliverToRoom makes it) to the room's 1000
    /// sessions, and every session's write of it.
    /// </summary>
    [Benchmark]
    public void Deliver()
    {
        Fanout.Deliver(new Broadcast(new MessageEvent(_message)), (IEnumerable<Session>)_sessions, null);
        DrainAll();
    }

    /// <summary>
    /// The whole send path from the hub's entry (ChatHub.SendToRoomAsync: checks, message id and
    /// time, the conversation's sequencer, an in-memory append) to 1000 sessions and their writes.
    /// </summary>
    [Benchmark]
    public void SendToRoom()
    {
        var sent = _server.Hub.SendToRoomAsync(_sender, "lobby", Samples.Text);
        if (!sent.IsCompletedSuccessfully || !sent.Result.Ok)
            throw new InvalidOperationException("send failed");
        DrainAll();
    }

    private long _lines;

    /// <summary>What LineConnection's writer does for each session, synchronously.</summary>
    private void DrainAll()
    {
        for (var i = 0; i < _sessions.Length; i++)
        {
            var session = _sessions[i];
            var pipe = _outputs[i];
            var frames = session.Outbound;
            while (frames.TryRead(out var frame))
                WriteLine(null, frame, pipe.Writer);
            var flushed = pipe.Writer.FlushAsync();
            if (!flushed.IsCompletedSuccessfully)
                throw new InvalidOperationException("flush did not complete at once");
            if (pipe.Reader.TryRead(out var read))
            {
                foreach (var segment in read.Buffer)
                    _lines += segment.Span.Count((byte)'\n');
                pipe.Reader.AdvanceTo(read.Buffer.End);
            }
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "WriteLine")]
    private static extern void WriteLine(TcpJsonConnectionHandler? handler, byte[] frame, PipeWriter output);
}
