using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Native protocol over raw TCP: one JSON object per line. Kestrel owns the socket; this class
/// only moves lines between its pipes and the session. One reader loop and one writer loop per
/// connection, no thread of its own.
/// </summary>
public sealed class TcpJsonConnectionHandler(NativeSessionFactory factory, ParleyOptions options) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        EnableKeepAlive(connection);
        var (session, shutdownHook) = factory.Create((connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address);
        using var _ = shutdownHook;
        Log.ConnectionOpened(factory.Logger, "tcp", connection.RemoteEndPoint);
        var writing = WriteThenHangUpAsync(session, connection);
        try
        {
            await ReadLinesAsync(session, connection.Transport.Input).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The peer vanished; nothing to tell it.
        }
        finally
        {
            await session.EndAsync().ConfigureAwait(false);
        }
        await writing.ConfigureAwait(false);
        Log.ConnectionClosed(factory.Logger, "tcp", connection.RemoteEndPoint, session.CloseReason ?? "peer closed");
    }

    /// <summary>
    /// TCP keepalive probes a silent peer after a minute, so a client whose machine or network
    /// died (no FIN, no RST) is dropped and shown offline within about 90 s rather than never.
    /// </summary>
    private static void EnableKeepAlive(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
            return;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }

    private async Task ReadLinesAsync(NativeSession session, PipeReader input)
    {
        var maxLine = options.Connections.MaxLineBytes;
        // Bytes at the start of the unconsumed input already searched for '\n' in vain.
        long searched = 0;
        while (true)
        {
            // No cancellation token here: the connection's token fires on a half-close, and lines
            // already buffered must still be handled. The writer side cancels the read to stop us.
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = FrameStatus.NeedMore;
            try
            {
                while ((status = LineFramer.TryReadLine(ref buffer, maxLine, searched, out var line)) == FrameStatus.Line)
                {
                    searched = 0;
                    if (line.Length > 0)
                        await session.HandleFrameAsync(line).ConfigureAwait(false);
                }
                if (status == FrameStatus.NeedMore)
                    searched = buffer.Length;
                // A last line without '\n' still counts when the peer closes its side.
                if (status == FrameStatus.NeedMore && result.IsCompleted && !buffer.IsEmpty)
                {
                    if (buffer.Length > maxLine)
                        status = FrameStatus.TooLong;
                    else
                        await session.HandleFrameAsync(buffer).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (status == FrameStatus.TooLong)
            {
                session.RejectOversized();
                return;
            }
            if (result.IsCompleted || result.IsCanceled)
                return;
        }
    }

    private static async Task WriteThenHangUpAsync(NativeSession session, ConnectionContext connection)
    {
        var output = connection.Transport.Output;
        try
        {
            var frames = session.Outbound;
            while (await frames.WaitToReadAsync(session.Aborted).ConfigureAwait(false))
            {
                // Write everything queued, then flush once: many frames, one syscall.
                while (frames.TryRead(out var frame))
                {
                    var bytes = session.Bytes(frame);
                    var span = output.GetSpan(bytes.Length + 1);
                    bytes.CopyTo(span);
                    span[bytes.Length] = (byte)'\n';
                    output.Advance(bytes.Length + 1);
                }
                var flushed = await output.FlushAsync(session.Aborted).ConfigureAwait(false);
                if (flushed.IsCompleted)
                    break;
            }
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
        // Whatever ended the writing ends the reading too.
        connection.Transport.Input.CancelPendingRead();
    }
}
