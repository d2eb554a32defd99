using Microsoft.Extensions.Time.Testing;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Protocol;

/// <summary>
/// Nothing is queued for a session that is gone (issue 36): its queue is dropped at once and
/// deliveries cost nothing. A slow consumer keeps only its goodbye, for a grace (issue 32).
/// </summary>
public sealed class ClosingSessionQueueTests : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        _hub = new ChatHub(_store, new InProcessBackplane(_store), new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private NativeSession NewSession() => NewSession(TimeProvider.System, new ConnectionOptions().SlowConsumerGrace);

    private NativeSession NewSession(TimeProvider clock, TimeSpan slowConsumerGrace) =>
        new(_hub, new JsonEventEncoder(_hub.Links), new ConnectionOptions { SignInTimeout = TimeSpan.Zero, SlowConsumerGrace = slowConsumerGrace }, clock);

    private static Broadcast Departure(int i) => new(new PresenceEvent($"u_{i}", Online: false));

    [Fact]
    public async Task A_discarded_queue_drops_its_frames_at_once_and_refuses_later_writes()
    {
        var queue = new FrameQueue(maxFrames: 10_000, maxBytes: 1 << 20);
        for (var i = 0; i < 1000; i++)
            Assert.True(queue.TryWrite(new byte[10]));
        Assert.True(queue.Capacity >= 1000);

        queue.Discard();

        Assert.True(queue.IsDiscarded);
        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(0, queue.Capacity);
        Assert.False(queue.TryRead(out _));
        Assert.False(queue.TryWrite(new byte[10]));
        Assert.Equal(0, queue.QueuedBytes);
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public async Task A_slow_consumer_s_queue_is_released_when_it_is_dropped_leaving_only_its_bye()
    {
        var session = NewSession();
        for (var i = 0; i < 500; i++)
            Assert.True(session.TryDeliver(Departure(i)));
        Assert.True(session.Outbound.QueuedBytes > 0);

        session.Close(ByeReasons.SlowConsumer);

        Assert.False(session.IsAborted);
        Assert.True(session.Outbound.Capacity <= FrameQueue.KeptSlots, $"the dropped frames' slots were kept ({session.Outbound.Capacity})");
        // Events are dropped, not queued behind the goodbye (nor taken for another slow read).
        for (var i = 0; i < 100; i++)
            Assert.True(session.TryDeliver(Departure(i)));
        Assert.True(session.Outbound.TryRead(out var bye));
        using (var json = System.Text.Json.JsonDocument.Parse(bye))
        {
            Assert.Equal("bye", json.RootElement.GetProperty("type").GetString());
            Assert.Equal("slow_consumer", json.RootElement.GetProperty("reason").GetString());
        }
        Assert.False(session.Outbound.TryRead(out _));
        Assert.Equal(0, session.Outbound.QueuedBytes);
        Assert.False(await session.Outbound.WaitToReadAsync());
    }

    [Fact]
    public void A_slow_consumer_that_does_not_take_its_bye_within_the_grace_is_cut()
    {
        var clock = new FakeTimeProvider();
        var session = NewSession(clock, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 50; i++)
            Assert.True(session.TryDeliver(Departure(i)));
        session.Close(ByeReasons.SlowConsumer);
        var aborted = session.Aborted;

        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(session.IsAborted, "cut before the grace was over");
        Assert.True(session.Outbound.QueuedBytes > 0); // its bye, still waiting for the peer

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(session.IsAborted);
        Assert.True(aborted.IsCancellationRequested);
        Assert.Equal(0, session.Outbound.QueuedBytes);
        Assert.False(session.Outbound.TryRead(out _));
    }

    [Fact]
    public void With_no_grace_a_slow_consumer_is_cut_at_once_without_a_bye()
    {
        var session = NewSession(TimeProvider.System, TimeSpan.Zero);
        for (var i = 0; i < 50; i++)
            Assert.True(session.TryDeliver(Departure(i)));

        session.Close(ByeReasons.SlowConsumer);

        Assert.True(session.IsAborted);
        Assert.Equal(0, session.Outbound.QueuedBytes);
        Assert.Equal(0, session.Outbound.Capacity);
        Assert.False(session.Outbound.TryRead(out _));
    }

    [Fact]
    public void A_lost_connection_drops_its_queue_and_takes_no_more_events_without_counting_as_slow()
    {
        var session = NewSession();
        for (var i = 0; i < 100; i++)
            Assert.True(session.TryDeliver(Departure(i)));

        session.ConnectionLost();

        Assert.Equal(0, session.Outbound.QueuedBytes);
        // Accepted and dropped: the fan-out must not take it for a slow reader (and close it again).
        for (var i = 0; i < 100; i++)
            Assert.True(session.TryDeliver(Departure(i)));
        Assert.Equal(0, session.Outbound.QueuedBytes);
        Assert.Equal(0, session.Outbound.Capacity);
    }

    [Fact]
    public void Once_the_peer_hangs_up_events_are_not_queued_though_the_session_is_still_open()
    {
        var session = NewSession();
        Assert.True(session.TryDeliver(Departure(0)));
        var before = session.Outbound.QueuedBytes;
        var capacity = session.Outbound.Capacity;

        session.StopEvents();
        // A mass disconnect: every other leaver's departure reaches this one before its reader runs.
        for (var i = 1; i <= 5000; i++)
            Assert.True(session.TryDeliver(Departure(i)));

        Assert.Equal(before, session.Outbound.QueuedBytes);
        Assert.Equal(capacity, session.Outbound.Capacity);
        Assert.False(session.IsAborted);
    }
}
