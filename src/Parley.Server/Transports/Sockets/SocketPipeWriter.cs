using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// A connection's output as a <see cref="PipeWriter"/>: frames are gathered into one buffer rented
/// from the shared pool and sent by <see cref="FlushAsync"/>, straight from the caller's thread
/// when the kernel takes them at once (the usual case), asynchronously only when the peer's
/// window is full. The buffer goes back to the pool after every flush, so a quiet connection
/// holds none. One writer at a time, as the writer loops are.
/// </summary>
internal sealed class SocketPipeWriter(Socket socket, bool direct) : PipeWriter
{
    private const int ChunkBytes = 4096;

    private byte[]? _buffer;
    private int _written;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override void Advance(int bytes)
    {
        if (_buffer is null || bytes < 0 || _written + bytes > _buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(bytes), "advanced past the memory handed out");
        _written += bytes;
    }

    private void EnsureFree(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, ChunkBytes));
            return;
        }
        if (_buffer.Length - _written >= needed)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        var sent = 0;
        while (sent < _written)
        {
            int count;
            SocketError error;
            try
            {
                count = NonBlockingSocket.Send(socket, direct, _buffer.AsSpan(sent, _written - sent), out error);
            }
            catch (ObjectDisposedException ex)
            {
                throw new IOException("the connection is closed", ex);
            }
            if (error == SocketError.WouldBlock)
                return SendRestAsync(sent, cancellationToken);
            if (error != SocketError.Success)
                throw new IOException($"sending failed: {error}");
            sent += count;
        }
        ReturnBuffer();
        return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false));
    }

    /// <summary>The peer is not taking data as fast as it comes: wait for room, however long the token allows.</summary>
    private async ValueTask<FlushResult> SendRestAsync(int sent, CancellationToken cancellationToken)
    {
        try
        {
            while (sent < _written)
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            throw new IOException("sending failed", ex);
        }
        ReturnBuffer();
        return new FlushResult(isCanceled: false, isCompleted: false);
    }

    public override void CancelPendingFlush()
    {
        // Flushes are never left pending: a slow one is ended by its token or by closing the socket.
    }

    /// <summary>Ends output: what was flushed is sent, then the peer reads end of stream.</summary>
    public override void Complete(Exception? exception = null)
    {
        ReturnBuffer();
        socket.ShutdownQuietly(SocketShutdown.Send);
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _written = 0;
    }
}
