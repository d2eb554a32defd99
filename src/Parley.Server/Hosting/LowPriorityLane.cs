using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Parley.Server.Hosting;

/// <summary>
/// Runs CPU-heavy work that may wait (password hashes, writing uploads) on threads of its own at the lowest
/// scheduling priority, so that the threads serving chat always run first and the work only takes
/// the CPU they leave. The thread pool cannot do this: its threads serve chat next, and an
/// unprivileged process cannot raise a thread's priority back once lowered. Threads start with
/// work, at most <c>maxThreads</c>, and end after a while without any, so an idle server keeps none.
/// </summary>
public sealed class LowPriorityLane(string name, int maxThreads, TimeSpan? idleTimeout = null)
{
    private readonly TimeSpan _idleTimeout = idleTimeout ?? TimeSpan.FromSeconds(10);
    private readonly BlockingCollection<Action> _work = new(new ConcurrentQueue<Action>());
    private readonly Lock _gate = new();
    private int _threads;

    /// <summary>The lane's threads now.</summary>
    internal int Threads
    {
        get
        {
            lock (_gate)
                return _threads;
        }
    }

    public Task RunAsync(Action work) => RunAsync(() =>
    {
        work();
        return true;
    });

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        lock (_gate)
        {
            if (_threads < maxThreads)
            {
                _threads++;
                new Thread(Serve) { IsBackground = true, Name = name }.Start();
            }
        }
        return done.Task;
    }

    private void Serve()
    {
        LowerThisThreadsPriority();
        while (true)
        {
            if (_work.TryTake(out var work, _idleTimeout))
            {
                work();
                continue;
            }
            lock (_gate)
            {
                // Work added after the wait gave up is this thread's: RunAsync saw it still counted.
                if (_work.Count > 0)
                    continue;
                _threads--;
                return;
            }
        }
    }

    /// <summary>Nice 19 for this thread (Linux schedules threads one by one); elsewhere nothing.</summary>
    private static void LowerThisThreadsPriority()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = setpriority(PrioProcess, gettid(), 19);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without gettid (before glibc 2.30): the work runs at normal priority.
        }
    }

    private const int PrioProcess = 0;

    [DllImport("libc")]
    private static extern int gettid();

    [DllImport("libc")]
    private static extern int setpriority(int which, int who, int priority);
}
