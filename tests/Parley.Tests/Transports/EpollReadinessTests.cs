using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Server.Transports.Sockets;
using Parley.Tests.Support;

namespace Parley.Tests.Transports;

/// <summary>
/// The epoll thread on its own, with real sockets: keys and their slots, events reaching the
/// connection they belong to and no other, dispose while the thread waits, and what it does when
/// epoll_wait is interrupted or fails (a stand-in for epoll_wait, as neither can be made to
/// happen at will).
/// </summary>
public sealed class EpollReadinessTests : IAsyncLifetime
{
    private readonly List<Socket> _sockets = [];

    private sealed class RecordingTarget : IReadinessTarget
    {
        private int _events;
        private int _hangUps;

        public int Events => Volatile.Read(ref _events);

        public int HangUps => Volatile.Read(ref _hangUps);

        public void InputReady(bool peerHungUp)
        {
            Interlocked.Increment(ref _events);
            if (peerHungUp)
                Interlocked.Increment(ref _hangUps);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var socket in _sockets)
            socket.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A connected loopback pair: the server's end, to watch, and the peer's, to write to.</summary>
    private async Task<(Socket Watched, Socket Peer)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accepting = listener.AcceptAsync();
        await peer.ConnectAsync(listener.LocalEndPoint!);
        var watched = await accepting;
        _sockets.Add(watched);
        _sockets.Add(peer);
        return (watched, peer);
    }

    private static EpollReadiness NewReadiness(Action<string>? stopServer = null, EpollReadiness.WaitForEvents? wait = null) =>
        new(NullLogger.Instance, stopServer ?? (reason => throw new InvalidOperationException($"stopped: {reason}")), wait);

    [Fact]
    public void A_freed_slot_is_reused_under_a_new_generation_and_the_old_key_finds_nothing()
    {
        using var readiness = NewReadiness();
        var first = new RecordingTarget();
        var second = new RecordingTarget();

        var firstKey = readiness.Watch(first);
        readiness.Forget(firstKey);
        var secondKey = readiness.Watch(second);

        Assert.Equal((uint)firstKey, (uint)secondKey); // the same slot
        Assert.NotEqual(firstKey, secondKey); // another generation
        Assert.Null(readiness.Find(firstKey));
        Assert.Same(second, readiness.Find(secondKey));

        // Forgetting the old key again must not free the slot its successor holds.
        readiness.Forget(firstKey);
        Assert.Same(second, readiness.Find(secondKey));
        var thirdKey = readiness.Watch(new RecordingTarget());
        Assert.NotEqual((uint)secondKey, (uint)thirdKey);
    }

    [Fact]
    public void Slots_grow_past_the_first_array_and_keep_their_connections()
    {
        using var readiness = NewReadiness();
        var targets = Enumerable.Range(0, 200).Select(_ => new RecordingTarget()).ToList();
        var keys = targets.Select(readiness.Watch).ToList();
        for (var i = 0; i < targets.Count; i++)
            Assert.Same(targets[i], readiness.Find(keys[i]));
        Assert.Equal(200, keys.Select(k => (uint)k).Distinct().Count());
    }

    [Fact]
    public async Task Input_and_a_hang_up_reach_the_watched_connection()
    {
        using var readiness = NewReadiness();
        var (watched, peer) = await ConnectedPairAsync();
        var target = new RecordingTarget();
        Assert.True(readiness.Add(watched.SafeHandle, readiness.Watch(target)));

        await peer.SendAsync(new byte[] { 1, 2, 3 }, SocketFlags.None);
        await Until.TrueAsync(() => target.Events >= 1, "input is told");
        Assert.Equal(0, target.HangUps);

        peer.Shutdown(SocketShutdown.Send);
        await Until.TrueAsync(() => target.HangUps >= 1, "the peer's hang-up is told");
    }

    [Fact]
    public async Task An_event_for_a_forgotten_key_does_not_wake_the_slot_s_next_connection()
    {
        using var readiness = NewReadiness();
        var (oldSocket, oldPeer) = await ConnectedPairAsync();
        var (laterSocket, laterPeer) = await ConnectedPairAsync();
        var gone = new RecordingTarget();
        var successor = new RecordingTarget();
        var later = new RecordingTarget();

        var goneKey = readiness.Watch(gone);
        Assert.True(readiness.Add(oldSocket.SafeHandle, goneKey));
        readiness.Forget(goneKey); // its socket stays open, so epoll still reports it under the old key
        Assert.Equal((uint)goneKey, (uint)readiness.Watch(successor));
        Assert.True(readiness.Add(laterSocket.SafeHandle, readiness.Watch(later)));

        await oldPeer.SendAsync(new byte[] { 1 }, SocketFlags.None);
        await laterPeer.SendAsync(new byte[] { 2 }, SocketFlags.None);
        // The later event is told only after the earlier one was handled (same or an earlier wait).
        await Until.TrueAsync(() => later.Events >= 1, "the later input is told");
        Assert.Equal(0, successor.Events);
        Assert.Equal(0, gone.Events);
    }

    [Fact]
    public async Task Dispose_while_the_thread_waits_returns_and_later_adds_are_refused()
    {
        var readiness = NewReadiness();
        var (watched, _) = await ConnectedPairAsync();
        var key = readiness.Watch(new RecordingTarget());
        Assert.True(readiness.Add(watched.SafeHandle, key)); // the thread is (or soon is) in epoll_wait

        await Task.Run(readiness.Dispose).WaitAsync(TimeSpan.FromSeconds(10));

        var (another, _) = await ConnectedPairAsync();
        Assert.False(readiness.Add(another.SafeHandle, readiness.Watch(new RecordingTarget())));
        readiness.Dispose(); // twice is harmless
    }

    [Fact]
    public async Task An_interrupted_wait_is_made_again_and_input_still_arrives()
    {
        var interruptions = 0;
        int Wait(Microsoft.Win32.SafeHandles.SafeFileHandle epoll, byte[] events, int timeoutMs, out int error)
        {
            // The thread's first two waits are interrupted by a signal (EINTR).
            if (timeoutMs != 0 && Interlocked.Increment(ref interruptions) <= 2)
            {
                error = 4;
                return -1;
            }
            return Epoll.Wait(epoll, events, timeoutMs, out error);
        }

        using var readiness = NewReadiness(wait: Wait);
        var (watched, peer) = await ConnectedPairAsync();
        var target = new RecordingTarget();
        Assert.True(readiness.Add(watched.SafeHandle, readiness.Watch(target)));
        await peer.SendAsync(new byte[] { 1 }, SocketFlags.None);

        await Until.TrueAsync(() => target.Events >= 1, "input is told after the interruptions");
        Assert.True(Volatile.Read(ref interruptions) >= 3);
    }

    [Fact]
    public async Task A_failing_wait_stops_the_server_with_the_error()
    {
        var stopped = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int Wait(Microsoft.Win32.SafeHandles.SafeFileHandle epoll, byte[] events, int timeoutMs, out int error)
        {
            error = 9; // EBADF
            return -1;
        }

        using var readiness = NewReadiness(reason => stopped.TrySetResult(reason), Wait);

        var reason = await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("epoll_wait failed (errno 9): idle connections can no longer be told of input", reason);
    }
}
