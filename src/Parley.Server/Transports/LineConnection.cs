using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Parley.Protocol;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>What the line-based TCP transports (native JSON lines, IRC) share: keepalive and the writer loop.</summary>
internal static class LineConnection
{
    /// <summary>
    /// TCP keepalive probes a silent peer after a minute, so a client whose machine or network
    /// died (no FIN, no RST) is dropped and shown offline within about 90 s rather than never.
    /// </summary>
    public static void EnableKeepAlive(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
            return;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }

    /// <summary>
    /// Serves one connection: a writer loop drains the session's queue while <paramref name="read"/>
    /// feeds it lines; when reading ends (peer closed, or the writer cancelled the read),
    /// <paramref name="end"/> finishes the session and the writer flushes what is left.
    /// </summary>
    public static async Task ServeAsync(
        ConnectionContext connection, QueuedSession session, string transport, ILogger logger,
        Func<PipeReader, Task> read, Func<Task> end, Action<byte[], PipeWriter> write)
    {
        EnableKeepAlive(connection);
        Log.ConnectionOpened(logger, transport, connection.RemoteEndPoint);
        var writing = WriteThenHangUpAsync(connection, session, write);
        try
        {
            await read(connection.Transport.Input).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The peer vanished; nothing to tell it.
        }
        finally
        {
            await end().ConfigureAwait(false);
        }
        await writing.ConfigureAwait(false);
        Log.ConnectionClosed(logger, transport, connection.RemoteEndPoint, session.CloseReason ?? "peer closed");
    }

    /// <summary>
    /// Writes queued frames until the queue completes: everything queued, then one flush (many
    /// frames, one syscall). When the session is aborted the connection is cut at once.
    /// Whatever ends the writing ends the reading too.
    /// </summary>
    private static async Task WriteThenHangUpAsync(ConnectionContext connection, QueuedSession session, Action<byte[], PipeWriter> write)
    {
        var output = connection.Transport.Output;
        var frames = session.Outbound;
        try
        {
            // No token on the wait: a cancellable wait allocates on every wake-up (once per delivery
            // under fan-out). An abort always completes the queue too, which ends the wait.
            while (await frames.WaitToReadAsync().ConfigureAwait(false))
            {
                session.Aborted.ThrowIfCancellationRequested();
                while (frames.TryRead(out var frame))
                    write(session.Dequeued(frame), output);
                var flushed = await output.FlushAsync(session.Aborted).ConfigureAwait(false);
                if (flushed.IsCompleted)
                    break;
            }
            session.Aborted.ThrowIfCancellationRequested();
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            connection.Abort(new ConnectionAbortedException(session.CloseReason ?? "aborted"));
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            connection.Abort();
        }
        connection.Transport.Input.CancelPendingRead();
    }
}
