using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Parley.Protocol;
using Parley.Core.Model;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Serves one connection of a line transport (native JSON lines, IRC). Nothing of it waits while
/// the connection is idle: the reader runs when input arrives, takes every line there is, and
/// asks to be run again (<see cref="ITransportConnection.ResumeOnInput"/>); the writer runs when the
/// session queues frames (<see cref="FrameQueue.DrainWith"/>), writes them all and flushes once
/// (many frames, one syscall): a suspended reader and writer loop per idle connection cost more
/// than the connection itself. When reading ends (peer closed, or the writer stopped it) the protocol ends the
/// session; when the session's queue completes the writer hangs up; once both have ended the
/// connection is disposed.
/// </summary>
internal sealed class LineConnection<TSession> : IConnectionApplication, IFrameDrain, ILineCursor
    where TSession : QueuedSession
{
    private readonly ITransportConnection _connection;
    private readonly TSession _session;
    private readonly ILineProtocol<TSession> _protocol;
    private readonly ILogger _logger;
    private int _openSides = 2;
    private bool _writerEnded;
    private bool _deferred;

    private LineConnection(ITransportConnection connection, TSession session, ILineProtocol<TSession> protocol, ILogger logger)
    {
        _connection = connection;
        _session = session;
        _protocol = protocol;
        _logger = logger;
    }

    public long Searched { get; set; }

    public bool Skipping { get; set; }

    public PipeReader Input => _connection.Input;

    /// <summary>Starts serving: reads what has arrived already, and writes whenever the session queues frames.</summary>
    public static void Start(ITransportConnection connection, TSession session, ILineProtocol<TSession> protocol, ILogger logger)
    {
        var served = new LineConnection<TSession>(connection, session, protocol, logger);
        connection.Serve(served);
        Log.ConnectionOpened(logger, connection.Wire ?? protocol.Transport, connection.RemoteEndPoint);
        session.Outbound.DrainWith(served);
        _ = served.ReadAsync();
    }

    void IThreadPoolWorkItem.Execute() => _ = ReadAsync();

    void IConnectionApplication.CloseGracefully() => _session.Close(ByeReasons.Shutdown);

    void IConnectionApplication.PeerHungUp() => _session.StopEvents();

    private async Task ReadAsync()
    {
        try
        {
            if (await _protocol.ReadAvailableAsync(_session, this).ConfigureAwait(false))
            {
                _connection.ResumeOnInput();
                return;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The peer vanished; nothing to tell it.
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        try
        {
            await _protocol.EndAsync(_session).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        SideEnded();
    }

    /// <summary>Writes everything queued, then flushes; again while more arrives; hangs up once the queue completes.</summary>
    public void Drain()
    {
        if (_writerEnded)
            return;
        var frames = _session.Outbound;
        var output = _connection.Output;
        try
        {
            while (true)
            {
                // Busy: let the deliveries already on their way join this send (once per send).
                if (!_deferred && ThreadPool.PendingWorkItemCount > 0)
                {
                    _deferred = true;
                    frames.DrainLater();
                    return;
                }
                _deferred = false;
                if (_session.IsAborted)
                {
                    Cut();
                    return;
                }
                WriteQueued(frames, output);
                var flushing = output.FlushAsync();
                if (!flushing.IsCompletedSuccessfully)
                {
                    _ = FlushThenDrainAsync(flushing);
                    return;
                }
                if (frames.TryEndDrain(out var completed))
                {
                    if (completed)
                        HangUp();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            Cut();
        }
    }

    // Frames are taken a batch per lock: the writers (every delivery) take the same lock.
    private void WriteQueued(FrameQueue frames, PipeWriter output)
    {
        var batch = new FrameBatch();
        Span<byte[]> taken = batch;
        int count;
        while ((count = frames.TryReadMany(taken)) > 0)
        {
            foreach (var frame in taken[..count])
                _protocol.Write(_session, frame, output);
        }
    }

    [System.Runtime.CompilerServices.InlineArray(32)]
    private struct FrameBatch
    {
        private byte[] _frame;
    }

    // The peer's window is full: the rest goes out when it reads, then the drain goes on.
    private async Task FlushThenDrainAsync(ValueTask<FlushResult> flushing)
    {
        try
        {
            // An abort cuts the socket, which ends the send.
            using (_session.Aborted.UnsafeRegister(static connection => ((ITransportConnection)connection!).Abort(), _connection))
                await flushing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            Cut();
            return;
        }
        Drain();
    }

    /// <summary>Everything is written: the peer reads end of stream, and reading stops.</summary>
    private void HangUp()
    {
        if (_session.IsAborted)
        {
            Cut();
            return;
        }
        _connection.Output.Complete();
        EndWriter();
    }

    /// <summary>The session was aborted or the socket failed: cut the connection, dropping what is unsent.</summary>
    private void Cut()
    {
        _session.ConnectionLost();
        _connection.Abort();
        EndWriter();
    }

    private void EndWriter()
    {
        _writerEnded = true;
        _connection.StopReading();
        SideEnded();
    }

    private void Fail(Exception ex)
    {
        Log.ConnectionFailed(_logger, _connection.Wire ?? _protocol.Transport, _connection.RemoteEndPoint, ex);
        // The writer may never hear the session end: do not wait for it.
        _connection.Dispose();
    }

    private void SideEnded()
    {
        if (Interlocked.Decrement(ref _openSides) != 0)
            return;
        Log.ConnectionClosed(_logger, _connection.Wire ?? _protocol.Transport, _connection.RemoteEndPoint, _session.CloseReason ?? "peer closed");
        _connection.Dispose();
    }
}
