using System.Threading.Tasks.Sources;

namespace Parley.Protocol;

/// <summary>
/// A session's outbound frames: many writers (the hub's deliveries, the session's replies), one
/// reader (the transport's writer). Bounded in frames and in bytes: a write that would pass
/// either bound is refused, and the session treats its reader as too slow. Built for the idle
/// case as much as the busy one: besides its frames it holds one small queue and the reader's
/// one reusable wait, where a bounded <c>Channel</c> kept eight objects per connection.
/// The reader either waits (<see cref="WaitToReadAsync"/>), or, with <see cref="DrainWith"/>,
/// is run on the thread pool whenever frames arrive, so that nothing of it is held in between.
/// </summary>
public sealed class FrameQueue(int maxFrames, long maxBytes) : IValueTaskSource<bool>, IThreadPoolWorkItem
{
    /// <summary>The slots <see cref="ReleaseIdleMemory"/> leaves an empty queue.</summary>
    public const int KeptSlots = 4;

    // Also the lock: no separate lock object per connection. (A System.Threading.Lock is cheaper to
    // take, its share of fan-out's CPU 9.5 % against the monitor's 13 %, but it costs 40 bytes per
    // idle connection: docs/benchmarks.md.)
    private readonly Queue<byte[]> _frames = new();
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private long _bytes;
    private bool _waiting;
    private bool _completed;
    private bool _discarded;
    private IFrameDrain? _drain;
    // The drain is queued or running: writes add to what it will take and do not queue it again.
    private bool _draining;

    /// <summary>The frames the queue can hold before it grows (see <see cref="KeptSlots"/>).</summary>
    public int Capacity
    {
        get
        {
            lock (_frames)
                return _frames.Capacity;
        }
    }

    /// <summary>The bytes waiting to be written.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_frames)
                return _bytes;
        }
    }

    /// <summary>Queues a frame; false if the queue is complete (or discarded) or the frame would pass a bound.</summary>
    public bool TryWrite(byte[] frame)
    {
        lock (_frames)
        {
            if (_completed || _frames.Count >= maxFrames || _bytes + frame.Length > maxBytes)
                return false;
            _frames.Enqueue(frame);
            _bytes += frame.Length;
            if (!_waiting)
                return StartDrainIfIdle();
            _waiting = false;
        }
        _wait.SetResult(true);
        return true;
    }

    /// <summary>
    /// From now on <paramref name="drain"/> takes the frames instead of a waiting reader: it runs
    /// on the thread pool (queued behind what is there, so deliveries already on their way join
    /// its send) when frames arrive or the queue completes, one run at a time, until it calls
    /// <see cref="TryEndDrain"/> with nothing left.
    /// </summary>
    public void DrainWith(IFrameDrain drain)
    {
        lock (_frames)
        {
            _drain = drain;
            if (_frames.Count == 0 && !_completed)
                return;
            _draining = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// The drain has written what it read: true if it may stop (nothing left; the drain runs again
    /// when frames arrive), false if it must read again. <paramref name="completed"/>: nothing
    /// will ever arrive again, and the drain is not run any more.
    /// </summary>
    public bool TryEndDrain(out bool completed)
    {
        lock (_frames)
        {
            completed = _completed && _frames.Count == 0;
            if (_frames.Count > 0)
                return false;
            // Left set once complete: nothing queues the drain again.
            _draining = completed;
            return true;
        }
    }

    /// <summary>Runs the drain again behind what the thread pool holds now (it has not ended; nothing else queues it meanwhile).</summary>
    public void DrainLater() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    // Called holding the lock; queueing the work item under it is cheap and keeps runs one at a time.
    private bool StartDrainIfIdle()
    {
        if (_drain is null || _draining)
            return true;
        _draining = true;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    void IThreadPoolWorkItem.Execute() => _drain!.Drain();

    /// <summary>
    /// Shrinks the queue back to <see cref="KeptSlots"/> if it is empty and grew beyond them; the
    /// bytes given back. A burst (a storm of sign-ins, each telling everyone online) grows the
    /// array to hundreds or thousands of slots, which the queue would otherwise keep for the life
    /// of the connection (10,000 connections kept about 40 MB). Not done whenever the queue
    /// empties: a busy connection empties its queue at every send and would grow it again each
    /// time (about 24 bytes allocated per delivery under fan-out), so the server calls this when
    /// it is quiet.
    /// </summary>
    public long ReleaseIdleMemory()
    {
        lock (_frames)
        {
            var excess = _frames.Capacity - KeptSlots;
            if (_frames.Count > 0 || excess <= 0)
                return 0;
            _frames.TrimExcess(KeptSlots);
            return (long)excess * IntPtr.Size;
        }
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
            {
                StartDrainIfIdle();
                return;
            }
            _waiting = false;
        }
        _wait.SetResult(false);
    }

    /// <summary>
    /// The reader is too slow and is being let go with a goodbye: what is queued and not yet taken
    /// is dropped at once (whole frames: the reader has written, or will write, every frame it
    /// took), and <paramref name="last"/> becomes the only frame; then the queue completes. The last
    /// frame is taken whatever the bounds: they were passed already, and it is what is left. False
    /// if the queue was already complete (or discarded): nothing is added.
    /// </summary>
    public bool CompleteWith(byte[] last)
    {
        lock (_frames)
        {
            if (_completed)
                return false;
            _frames.Clear();
            _frames.TrimExcess(1);
            _frames.Enqueue(last);
            _bytes = last.Length;
            _completed = true;
            if (!_waiting)
                return StartDrainIfIdle();
            _waiting = false;
        }
        _wait.SetResult(true);
        return true;
    }

    /// <summary>
    /// Nobody will read any more (the connection is cut, or its goodbye was not taken in time): what is queued
    /// is dropped at once, its slots given back, and from now on every write is refused without
    /// holding anything. Until the writer ran, a cut connection kept its whole queue, and in a mass
    /// disconnect each leaving member's queue grew with the departures of all the others.
    /// </summary>
    public void Discard()
    {
        lock (_frames)
        {
            _discarded = true;
            _frames.Clear();
            _frames.TrimExcess(0);
            _bytes = 0;
        }
        Complete();
    }

    /// <summary>Whether <see cref="Discard"/> was called.</summary>
    public bool IsDiscarded
    {
        get
        {
            lock (_frames)
                return _discarded;
        }
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
    /// Takes up to <paramref name="into"/>'s length of frames under one lock; how many it took.
    /// Every delivery takes the lock once to queue its frame: the reader should not take it once
    /// more per frame.
    /// </summary>
    public int TryReadMany(Span<byte[]> into)
    {
        lock (_frames)
        {
            var count = 0;
            while (count < into.Length && _frames.TryDequeue(out var frame))
            {
                _bytes -= frame.Length;
                into[count++] = frame;
            }
            return count;
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

/// <summary>Takes a <see cref="FrameQueue"/>'s frames when it runs them (see <see cref="FrameQueue.DrainWith"/>).</summary>
public interface IFrameDrain
{
    /// <summary>Reads and writes what is queued, then <see cref="FrameQueue.TryEndDrain"/>; one run at a time.</summary>
    void Drain();
}
