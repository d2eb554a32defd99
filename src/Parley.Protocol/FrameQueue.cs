using System.Threading.Tasks.Sources;

namespace Parley.Protocol;

/// <summary>
/// A session's outbound frames: many writers (the hub's deliveries, the session's replies), one
/// reader (the transport's writer loop). Bounded in frames and in bytes: a write that would pass
/// either bound is refused, and the session treats its reader as too slow. Built for the idle
/// case as much as the busy one: besides its frames it holds one small queue and the reader's
/// one reusable wait, where a bounded <c>Channel</c> kept eight objects per connection.
/// </summary>
public sealed class FrameQueue(int maxFrames, long maxBytes) : IValueTaskSource<bool>
{
    // Also the lock: no separate lock object per connection.
    private readonly Queue<byte[]> _frames = new();
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private long _bytes;
    private bool _waiting;
    private bool _completed;

    /// <summary>The bytes waiting to be written.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_frames)
                return _bytes;
        }
    }

    /// <summary>Queues a frame; false if the queue is complete or the frame would pass a bound.</summary>
    public bool TryWrite(byte[] frame)
    {
        lock (_frames)
        {
            if (_completed || _frames.Count >= maxFrames || _bytes + frame.Length > maxBytes)
                return false;
            _frames.Enqueue(frame);
            _bytes += frame.Length;
            if (!_waiting)
                return true;
            _waiting = false;
        }
        _wait.SetResult(true);
        return true;
    }

    /// <summary>No frame will be added any more; the reader gets what is queued, then false from its wait.</summary>
    public void Complete()
    {
        lock (_frames)
        {
            if (_completed)
                return;
            _completed = true;
            if (!_waiting)
                return;
            _waiting = false;
        }
        _wait.SetResult(false);
    }

    public bool TryRead(out byte[] frame)
    {
        lock (_frames)
        {
            if (!_frames.TryDequeue(out frame!))
                return false;
            _bytes -= frame.Length;
            return true;
        }
    }

    /// <summary>
    /// True once a frame can be read, false once the queue is complete and empty. One reader:
    /// at most one wait at a time, and it allocates nothing.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_frames)
        {
            if (_frames.Count > 0)
                return new ValueTask<bool>(true);
            if (_completed)
                return new ValueTask<bool>(false);
            if (_waiting)
                throw new InvalidOperationException("one reader at a time");
            _wait.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
