using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace Parley.Benchmarks;

/// <summary>
/// One connection to a real connection handler (TcpJsonConnectionHandler or IrcConnectionHandler)
/// over in-memory pipes instead of a socket: the server side runs exactly as under Kestrel (reader
/// loop, session, writer loop); this side writes request lines and counts the lines it gets back.
/// Both pipes run their readers inline, so this side adds no thread hop and no allocation.
/// </summary>
internal sealed class WireClient
{
    private static int _next;
    private readonly Pipe _toServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly Pipe _fromServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Action<long> _onLines;
    private readonly ConcurrentQueue<string> _captured = new();
    private volatile bool _capturing = true;

    private WireClient(Action<long> onLines) => _onLines = onLines;

    public Task Serving { get; private set; } = Task.CompletedTask;

    public static WireClient Connect(ConnectionHandler handler, Action<long> onLines)
    {
        var client = new WireClient(onLines);
        var id = Interlocked.Increment(ref _next);
        var connection = new DefaultConnectionContext($"bench-{id}",
            new DuplexPipe(client._toServer.Reader, client._fromServer.Writer),
            new DuplexPipe(client._fromServer.Reader, client._toServer.Writer))
        {
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 10_000 + id % 50_000),
        };
        client.Serving = Task.Run(() => handler.OnConnectedAsync(connection));
        _ = client.ReadAsync();
        return client;
    }

    /// <summary>Writes bytes and flushes; with the inline scheduler the server handles them before this returns, up to its first real wait.</summary>
    public void Write(byte[] bytes)
    {
        var flushed = _toServer.Writer.WriteAsync(bytes);
        if (!flushed.IsCompleted)
            flushed.AsTask().GetAwaiter().GetResult();
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Ends this side's input: the server sees the peer close.</summary>
    public Task CloseAsync()
    {
        _toServer.Writer.Complete();
        return Serving;
    }

    /// <summary>Stops keeping the received text (set-up is over): from now on lines are only counted.</summary>
    public void StopCapturing()
    {
        _capturing = false;
        _captured.Clear();
    }

    public async Task WaitForAsync(string fragment, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_captured.Any(text => text.Contains(fragment, StringComparison.Ordinal)))
                return;
            await Task.Delay(1);
        }
        throw new TimeoutException($"no '{fragment}' within {timeout}; got: {string.Concat(_captured)}");
    }

    private async Task ReadAsync()
    {
        var input = _fromServer.Reader;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            long lines = 0;
            foreach (var segment in buffer)
                lines += segment.Span.Count((byte)'\n');
            if (_capturing)
                _captured.Enqueue(Encoding.UTF8.GetString(buffer));
            input.AdvanceTo(buffer.End);
            if (lines > 0)
                _onLines(lines);
            if (result.IsCompleted || result.IsCanceled)
                return;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
