using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Parley.Protocol;
using Parley.Server.Hosting;
using Parley.Server.Transports.Sockets;

namespace Parley.Server.Transports;

/// <summary>What the line-based TCP transports (native JSON lines, IRC) share: keepalive and the writer loop.</summary>
internal static class LineConnection
{
    /// <summary>
    /// Serves one connection: a writer loop drains the session's queue while the protocol's reader
    /// feeds it lines; when reading ends (peer closed, or the writer cancelled the read), the
    /// protocol ends the session and the writer flushes what is left. Disposes the connection at the end.
    /// </summary>
    public static async Task ServeAsync<TSession>(
        TcpConnection connection, TSession session, ILineProtocol<TSession> protocol, ILogger logger)
        where TSession : QueuedSession
    {
        try
        {
            connection.Attach(session);
            connection.EnableKeepAlive();
            Log.ConnectionOpened(logger, protocol.Transport, connection.RemoteEndPoint);
            var writing = WriteThenHangUpAsync(connection, session, protocol);
            try
            {
                await protocol.ReadLinesAsync(session, connection.Input).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The peer vanished; nothing to tell it.
            }
            finally
            {
                await protocol.EndAsync(session).ConfigureAwait(false);
            }
            await writing.ConfigureAwait(false);
            Log.ConnectionClosed(logger, protocol.Transport, connection.RemoteEndPoint, session.CloseReason ?? "peer closed");
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(logger, protocol.Transport, connection.RemoteEndPoint, ex);
        }
        finally
        {
            connection.Dispose();
        }
    }

    /// <summary>
    /// Writes queued frames until the queue completes: everything queued, then one flush (many
    /// frames, one syscall). When the session is aborted the connection is cut at once.
    /// Whatever ends the writing ends the reading too.
    /// </summary>
    private static async Task WriteThenHangUpAsync<TSession>(TcpConnection connection, TSession session, ILineProtocol<TSession> protocol)
        where TSession : QueuedSession
    {
        var output = connection.Output;
        var frames = session.Outbound;
        BackOfThreadPoolQueue? deferral = null;
        try
        {
            // No token on the wait: a cancellable wait allocates on every wake-up (once per delivery
            // under fan-out). An abort always completes the queue too, which ends the wait.
            while (await frames.WaitToReadAsync().ConfigureAwait(false))
            {
                // Busy: let the deliveries already on their way join this send.
                if (ThreadPool.PendingWorkItemCount > 0)
                    await (deferral ??= new BackOfThreadPoolQueue());
                session.Aborted.ThrowIfCancellationRequested();
                while (frames.TryRead(out var frame))
                    protocol.Write(session, frame, output);
                await output.FlushAsync(session.Aborted).ConfigureAwait(false);
            }
            session.Aborted.ThrowIfCancellationRequested();
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            connection.Abort();
        }
        catch (IOException)
        {
            connection.Abort();
        }
        connection.Input.CancelPendingRead();
    }
}
