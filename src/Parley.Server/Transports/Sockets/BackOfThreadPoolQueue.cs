using System.Runtime.CompilerServices;

namespace Parley.Server.Transports.Sockets;

/// <summary>
/// Awaiting this resumes on the thread pool behind everything already queued there (not on this
/// thread's own queue, which would resume at once). A writer loop that defers its send this way
/// while the pool is busy lets other deliveries join its buffer first: one send then carries
/// many frames, as Kestrel's send queues did.
/// </summary>
internal readonly struct BackOfThreadPoolQueue : ICriticalNotifyCompletion
{
    public BackOfThreadPoolQueue GetAwaiter() => this;

    public bool IsCompleted => false;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) =>
        ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

    public void UnsafeOnCompleted(Action continuation) =>
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
}
