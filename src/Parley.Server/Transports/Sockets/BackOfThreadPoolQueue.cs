using System.Runtime.CompilerServices;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Awaiting this resumes on the thread pool behind everything already queued there (not on this
/// thread's own queue, which would resume at once). A writer loop that defers its send this way
/// while the pool is busy lets other deliveries join its buffer first: one send then carries
/// many frames, as Kestrel's send queues did. One instance per writer loop, reused for every
/// deferral, is itself the work item: deferring allocates nothing.
/// </summary>
internal sealed class BackOfThreadPoolQueue : ICriticalNotifyCompletion, IThreadPoolWorkItem
{
    private Action? _continuation;

    public BackOfThreadPoolQueue GetAwaiter() => this;

    public bool IsCompleted => false;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation)
    {
        _continuation = continuation;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var continuation = _continuation!;
        _continuation = null;
        continuation();
    }
}
