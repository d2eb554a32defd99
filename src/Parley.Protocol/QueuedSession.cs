using Parley.Core.Hub;
using Parley.Core.Model;

namespace Parley.Protocol;

/// <summary>
/// What every wire format's session shares: frames wait in a queue bounded in frames and bytes,
/// drained by the transport's one writer loop; a reader too slow to keep it below the bounds is
/// let go alone: what it has not taken is dropped and only its goodbye is left to write, within a
/// grace period. Closing from the server side for any other reason takes no new request, lets the
/// requests already running answer, then queues the format's goodbye and completes the queue.
/// </summary>
public abstract class QueuedSession : Session
{
    // Also the session's lock (no lock object per connection); the queue locks something else inside.
    private readonly FrameQueue _outbound;
    // Made when someone first asks for the token: a line connection never does unless a send of
    // its waits for a slow peer.
    private CancellationTokenSource? _abort;
    private volatile bool _aborted;
    private volatile bool _eventsStopped;
    private int _running;
    private bool _closing;
    private volatile bool _finished;
    private bool _everSignedIn;
    private ITimer? _signInDeadline;
    // Made only when the server closes the session: the goodbye's deadline.
    private ITimer? _goodbyeDeadline;
    // Made on the first send that does not complete at once: an idle connection never needs it.
    private Queue<Task>? _inflightSends;
    private readonly int _maxInflightSends;

    protected QueuedSession(ConnectionOptions options, TimeProvider time)
    {
        _maxInflightSends = options.MaxInflightSends;
        // A connection that never signs in holds a socket and memory for nothing: give it a deadline.
        if (options.SignInTimeout > TimeSpan.Zero)
            _signInDeadline = time.CreateTimer(_ => CloseUnlessSignedIn(), null, options.SignInTimeout, Timeout.InfiniteTimeSpan);
        _outbound = new FrameQueue(options.OutboundQueueLimit, options.MaxQueuedBytes);
    }

    /// <summary>Frames to write, in order. Completes when the session closes.</summary>
    public FrameQueue Outbound => _outbound;

    public override long ReleaseIdleMemory() => _outbound.ReleaseIdleMemory();

    // Kept by the subclasses, which use them anyway: not a field more per connection here.
    private protected abstract ConnectionOptions Limits { get; }

    private protected abstract TimeProvider Clock { get; }

    /// <summary>
    /// Fires when the connection must stop at once, dropping whatever is still queued. The queue
    /// is always completed after it fires, so a writer waiting on <see cref="Outbound"/> wakes up.
    /// </summary>
    public CancellationToken Aborted
    {
        get
        {
            var abort = Volatile.Read(ref _abort);
            if (abort is null)
            {
                var made = new CancellationTokenSource();
                abort = Interlocked.CompareExchange(ref _abort, made, null) ?? made;
                // An abort that came before the source existed had nothing to cancel.
                if (_aborted)
                    abort.Cancel();
            }
            return abort.Token;
        }
    }

    /// <summary>Whether the connection must stop at once (see <see cref="Aborted"/>).</summary>
    public bool IsAborted => _aborted;

    /// <summary>
    /// True once the peer has closed its sending side (see <see cref="StopEvents"/>): events are no
    /// longer queued for it, replies still are.
    /// </summary>
    public bool EventsStopped => _eventsStopped;

    /// <summary>
    /// The peer has closed its sending side or hung up: the session leaves the hub as soon as its
    /// reader gets there, so events meant for it from now on are dropped instead of queued. The
    /// transport calls this as soon as it learns of the hang-up (for epoll, on the event itself,
    /// before the reader runs): in a mass disconnect the readers run one after another, and each
    /// leaving member's departure would otherwise be queued for every other leaving member still
    /// waiting for its reader, frames nobody reads (5,000 leaving at once: 12 million of them).
    /// Replies to requests already read are still queued and written.
    /// </summary>
    public void StopEvents() => _eventsStopped = true;

    /// <summary>
    /// The transport can no longer write (the socket failed or was cut): what is queued is dropped
    /// at once and nothing is queued any more (see <see cref="FrameQueue.Discard"/>).
    /// </summary>
    public void ConnectionLost()
    {
        StopEvents();
        Abort();
    }

    /// <summary>
    /// True once the queue is complete (the goodbye queued, or the input ended): nothing can be
    /// queued any more, so events are dropped rather than offered.
    /// </summary>
    public bool IsFinished => _finished;

    /// <summary>The reason given when the server closed the session, or null.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Reports a request that failed with an unexpected exception (a bug or an I/O failure).</summary>
    public event Action<string, Exception>? Failed;

    protected void ReportFailure(string request, Exception exception) => Failed?.Invoke(request, exception);

    /// <summary>Raised once, when the session is done (closed, or its input ended): nothing more is queued to it.</summary>
    public event Action<QueuedSession>? Finished;

    /// <summary>The goodbye this wire format sends before the server closes a connection.</summary>
    protected abstract byte[] EncodeBye(string reason);

    /// <summary>Queues a frame unless that would pass the frame or byte bound (a history reply alone can be megabytes).</summary>
    protected bool TryQueue(byte[] bytes) => _outbound.TryWrite(bytes);

    public override void Close(string reason)
    {
        bool finishNow;
        lock (_outbound)
        {
            if (_closing)
                return;
            _closing = true;
            CloseReason = reason;
            finishNow = _running == 0;
        }
        if (reason == ByeReasons.SlowConsumer)
        {
            Metrics?.SlowConsumerDropped();
            // It is let go now, whatever requests are running: their replies would not fit either.
            StopEvents();
            Finish(bye: true);
        }
        else if (finishNow)
        {
            Finish(bye: true);
        }
    }

    /// <summary>Counts a request as running from the moment it is read; false once the session is closing.</summary>
    protected bool TryBeginRequest()
    {
        lock (_outbound)
        {
            if (_closing)
                return false;
            _running++;
            return true;
        }
    }

    protected void EndRequest()
    {
        bool finish;
        lock (_outbound)
            finish = --_running == 0 && _closing;
        if (finish)
            Finish(bye: true);
    }

    /// <summary>
    /// Starts a message send without waiting for its commit, so the reader loop can take the
    /// connection's next line meanwhile (at most <c>MaxInflightSends</c> at once; an older one is
    /// awaited first). Sends keep their order: the hub numbers a message before its first await.
    /// Called by the reader loop only.
    /// </summary>
    protected async ValueTask PipelineSendAsync<TCall>(Func<TCall, Task> send, TCall call)
    {
        var inflight = _inflightSends;
        while (inflight is not null && inflight.TryPeek(out var oldest) && (oldest.IsCompleted || inflight.Count >= _maxInflightSends))
            await inflight.Dequeue().ConfigureAwait(false);
        var sending = send(call);
        if (!sending.IsCompleted)
            (_inflightSends ??= new Queue<Task>()).Enqueue(sending);
    }

    /// <summary>Waits for every pipelined send: before any other request, so replies keep their order.</summary>
    protected async Task DrainSendsAsync()
    {
        while (_inflightSends is { } inflight && inflight.TryDequeue(out var sending))
            await sending.ConfigureAwait(false);
    }

    /// <summary>The transport's input has ended: nothing more will be read; complete the queue.</summary>
    protected void EndInput()
    {
        lock (_outbound)
            _closing = true;
        Finish(bye: true);
    }

    // Nothing queued will be written: drop it now rather than when the writer next runs (it may be
    // far behind in the thread pool's queue) or when the session is collected.
    private void Abort()
    {
        _aborted = true;
        _outbound.Discard();
        Volatile.Read(ref _abort)?.Cancel();
    }

    private void CloseUnlessSignedIn()
    {
        if (!_everSignedIn && !IsAuthenticated)
            Close(ByeReasons.SignInTimeout);
        DropSignInDeadline();
    }

    /// <summary>Call when the session signs in: the sign-in deadline no longer applies.</summary>
    protected void SignedIn()
    {
        _everSignedIn = true;
        DropSignInDeadline();
    }

    // Dropped, not just disposed: a disposed timer kept in a field still costs ~200 bytes per connection.
    private void DropSignInDeadline() => Interlocked.Exchange(ref _signInDeadline, null)?.Dispose();

    private void Finish(bool bye)
    {
        lock (_outbound)
        {
            if (_finished)
                return;
            _finished = true;
        }
        DropSignInDeadline();
        if (bye && CloseReason == ByeReasons.SlowConsumer)
            SayGoodbyeToSlowConsumer();
        else if (bye && CloseReason is { } reason)
            SayGoodbye(reason);
        _outbound.Complete();
        Finished?.Invoke(this);
    }

    /// <summary>
    /// Queues the goodbye after what is queued; a peer that has not read it all within
    /// <see cref="ConnectionOptions.CloseGrace"/> is cut: the writer would otherwise wait for it
    /// as long as the peer's TCP stack keeps the connection open with a zero window.
    /// </summary>
    private void SayGoodbye(string reason)
    {
        if (!TryQueue(EncodeBye(reason)))
        {
            Abort();
            return;
        }
        StartGoodbyeDeadline(Limits.CloseGrace);
    }

    /// <summary>
    /// What it has not taken is dropped at once (the bounds' memory given back) and its goodbye is
    /// all that is left: the writer sends it after what is already in the connection's buffers,
    /// then hangs up. A reader that does not take even that within the grace is cut without it, as
    /// one with no grace is at once: a peer that never reads must not hold its connection for ever.
    /// </summary>
    private void SayGoodbyeToSlowConsumer()
    {
        var grace = Limits.SlowConsumerGrace;
        if (grace <= TimeSpan.Zero)
        {
            Abort();
            return;
        }
        _outbound.CompleteWith(EncodeBye(ByeReasons.SlowConsumer));
        StartGoodbyeDeadline(grace);
    }

    // Not stopped once the goodbye is out: an abort after the writer has hung up finds nothing left
    // to cut, and only a session the server closed ever has this timer.
    private void StartGoodbyeDeadline(TimeSpan grace)
    {
        var deadline = Clock.CreateTimer(static state => ((QueuedSession)state!).GoodbyeNotTaken(), this, grace, Timeout.InfiniteTimeSpan);
        Volatile.Write(ref _goodbyeDeadline, deadline);
    }

    private void GoodbyeNotTaken()
    {
        Abort();
        Interlocked.Exchange(ref _goodbyeDeadline, null)?.Dispose();
    }
}
