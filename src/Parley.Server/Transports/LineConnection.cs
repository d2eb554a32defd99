using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

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
    /// Writes queued frames until the queue completes: everything queued, then one flush (many
    /// frames, one syscall). When <paramref name="aborted"/> fires the connection is cut at once.
    /// Whatever ends the writing ends the reading too.
    /// </summary>
    public static async Task WriteThenHangUpAsync<T>(
        ConnectionContext connection, ChannelReader<T> frames, Action<T, PipeWriter> write, CancellationToken aborted, Func<string?> closeReason)
    {
        var output = connection.Transport.Output;
        try
        {
            while (await frames.WaitToReadAsync(aborted).ConfigureAwait(false))
            {
                while (frames.TryRead(out var frame))
                    write(frame, output);
                var flushed = await output.FlushAsync(aborted).ConfigureAwait(false);
                if (flushed.IsCompleted)
                    break;
            }
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            connection.Abort(new ConnectionAbortedException(closeReason() ?? "aborted"));
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            connection.Abort();
        }
        connection.Transport.Input.CancelPendingRead();
    }
}
