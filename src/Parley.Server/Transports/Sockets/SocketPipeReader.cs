using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// A connection's input as a <see cref="PipeReader"/>, holding no buffer while it waits: it reads
/// what the kernel has into one contiguous buffer rented from the shared pool, and gives the
/// buffer back once everything in it is consumed. An idle connection therefore costs no receive
/// buffer at all (Kestrel's pipes keep theirs). The line transports only <see cref="TryRead"/>
/// and let <see cref="TcpConnection.ResumeOnInput"/> wait; <see cref="ReadAsync"/> waits with a
/// zero-byte receive.
/// Single reader, as the line transports are; cancelling a pending read ends reading for good
/// (the transports use it only to stop their reader loop).
/// </summary>
internal sealed class SocketPipeReader(Socket socket, bool direct) : PipeReader
{
    private const int ChunkBytes = 4096;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    // Everything in [_start, _end) has been examined: the next read must receive more.
    private bool _examinedAll = true;
    private bool _ended;
    // The last receive took less than there was room for: the kernel had nothing more, so asking
    // again before waiting would only cost a syscall.
    private bool _kernelEmpty;
    // The peer has closed or reset: a short receive no longer means there is nothing more, as the
    // end is still to be read, and no later event will say so.
    private volatile bool _peerHungUp;
    private volatile bool _cancelled;

    /// <summary>Whether a receive buffer is rented now (never while waiting with nothing unconsumed).</summary>
    internal bool HoldsBuffer => _buffer is not null;

    private ReadOnlySequence<byte> Unconsumed =>
        _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    public override bool TryRead(out ReadResult result)
    {
        if (_cancelled)
        {
            result = new ReadResult(Unconsumed, isCanceled: true, isCompleted: _ended);
            return true;
        }
        if (_ended || (!_examinedAll && _end > _start) || (!_kernelEmpty && ReceiveAvailable()))
        {
            result = new ReadResult(Unconsumed, isCanceled: false, isCompleted: _ended);
            return true;
        }
        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        TryRead(out var result) ? new ValueTask<ReadResult>(result) : WaitThenReadAsync();

    private async ValueTask<ReadResult> WaitThenReadAsync()
    {
        while (true)
        {
            ReleaseIdleBuffer();
            try
            {
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                InputArrived();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                _ended = true;
            }
            if (TryRead(out var result))
                return result;
        }
    }

    /// <summary>Takes what the kernel holds without waiting; true if that is something new (or the end).</summary>
    private bool ReceiveAvailable()
    {
        MakeRoom();
        int received;
        SocketError error;
        var room = _buffer!.Length - _end;
        try
        {
            received = NonBlockingSocket.Receive(socket, direct, _buffer.AsSpan(_end), out error);
        }
        catch (ObjectDisposedException)
        {
            received = 0;
            error = SocketError.OperationAborted;
        }
        if (error == SocketError.WouldBlock)
        {
            _kernelEmpty = true;
            return false;
        }
        if (error != SocketError.Success || received == 0)
        {
            // Reset, abort or the peer's FIN: the input is over either way.
            _ended = true;
            return true;
        }
        _end += received;
        _examinedAll = false;
        _kernelEmpty = received < room && !_peerHungUp;
        return true;
    }

    /// <summary>Makes sure there is free space after <c>_end</c>: compacts, or grows for a long line.</summary>
    private void MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            return;
        }
        if (_end < _buffer.Length)
            return;
        var length = _end - _start;
        if (_start > 0 && length <= _buffer.Length / 2)
        {
            _buffer.AsSpan(_start, length).CopyTo(_buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(_start, length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        _start = 0;
        _end = length;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
            return;
        _start = IndexOf(consumed);
        _examinedAll = IndexOf(examined) >= _end;
        if (_start == _end)
            _start = _end = 0;
    }

    // Positions of a sequence over one array carry the array and the index into it.
    private int IndexOf(SequencePosition position)
    {
        if (position.GetObject() is null)
            return _start;
        if (!ReferenceEquals(position.GetObject(), _buffer) || position.GetInteger() < _start || position.GetInteger() > _end)
            throw new InvalidOperationException("the position is not in the last buffer read");
        return position.GetInteger();
    }

    /// <summary>Gives the receive buffer back if nothing in it is left unconsumed: call before waiting for input.</summary>
    internal void ReleaseIdleBuffer()
    {
        if (_start == _end)
            ReturnBuffer();
    }

    /// <summary>Input has arrived since the kernel last had none: the next read asks it again.</summary>
    internal void InputArrived() => _kernelEmpty = false;

    /// <summary>The peer closed its side or reset: reads go on until they meet the end.</summary>
    internal void PeerHungUp() => _peerHungUp = true;

    public override void CancelPendingRead()
    {
        _cancelled = true;
        // Wakes a receive waiting for data: the kernel reports the read side as ended.
        socket.ShutdownQuietly(SocketShutdown.Receive);
    }

    public override void Complete(Exception? exception = null)
    {
        _ended = true;
        ReturnBuffer();
    }

    private void ReturnBuffer()
    {
        if (_buffer is null)
            return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
        _examinedAll = true;
    }
}
