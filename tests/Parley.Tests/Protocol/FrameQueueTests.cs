using System.Runtime.CompilerServices;
using Parley.Protocol;
using Parley.Tests.Support;

namespace Parley.Tests.Protocol;

public sealed class FrameQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Writes_past_the_frame_or_byte_bound_are_refused_and_reading_makes_room()
    {
        var queue = new FrameQueue(maxFrames: 2, maxBytes: 10);
        Assert.True(queue.TryWrite(new byte[4]));
        Assert.False(queue.TryWrite(new byte[7]));
        Assert.True(queue.TryWrite(new byte[6]));
        Assert.False(queue.TryWrite(new byte[0]));
        Assert.Equal(10, queue.QueuedBytes);
        Assert.True(queue.TryRead(out var first));
        Assert.Equal(4, first.Length);
        Assert.Equal(6, queue.QueuedBytes);
        Assert.True(queue.TryWrite(new byte[4]));
    }

    [Fact]
    public void A_batch_read_takes_frames_in_order_up_to_its_room_and_frees_their_bytes()
    {
        var queue = new FrameQueue(maxFrames: 10, maxBytes: 100);
        for (byte i = 1; i <= 5; i++)
            Assert.True(queue.TryWrite([i, i]));
        var batch = new byte[3][];
        Assert.Equal(3, queue.TryReadMany(batch));
        Assert.Equal([1, 2, 3], batch.Select(frame => (int)frame[0]));
        Assert.Equal(4, queue.QueuedBytes);
        Assert.Equal(2, queue.TryReadMany(batch));
        Assert.Equal([4, 5], batch.Take(2).Select(frame => (int)frame[0]));
        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(0, queue.TryReadMany(batch));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_for_each_frame_and_sees_them_in_order()
    {
        var queue = new FrameQueue(100, 1000);
        var read = new List<byte>();
        // How many frames the reader had read when it last found the queue empty and began to wait.
        var readWhenWaiting = new StrongBox<int>(-1);
        var waits = 0;
        var reading = Task.Run(async () =>
        {
            while (true)
            {
                var wait = queue.WaitToReadAsync();
                if (!wait.IsCompleted)
                {
                    waits++;
                    Volatile.Write(ref readWhenWaiting.Value, read.Count);
                }
                if (!await wait)
                    break;
                while (queue.TryRead(out var frame))
                    read.Add(frame[0]);
            }
        });
        for (byte i = 0; i < 50; i++)
        {
            Assert.True(queue.TryWrite([i]));
            // Now and then let the reader take everything and wait again, so the next write must wake it.
            if (i % 7 == 0)
            {
                var written = i + 1;
                await Until.TrueAsync(() => Volatile.Read(ref readWhenWaiting.Value) == written, $"the reader has read {written} frames and waits");
            }
        }
        queue.Complete();
        await reading.WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), read);
        // It waited, and was woken, at least once at each of the eight pauses (after frames 0, 7, … 49).
        Assert.True(waits >= 8, $"the reader waited only {waits} times");
    }

    [Fact]
    public async Task Completing_lets_the_reader_drain_then_ends_its_wait()
    {
        var queue = new FrameQueue(10, 1000);
        var waiting = queue.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        queue.Complete();
        Assert.False(await waiting.WaitAsync(Timeout));

        var other = new FrameQueue(10, 1000);
        Assert.True(other.TryWrite([1]));
        other.Complete();
        Assert.False(other.TryWrite([2]));
        Assert.True(await other.WaitToReadAsync());
        Assert.True(other.TryRead(out _));
        Assert.False(await other.WaitToReadAsync());
    }

    [Fact]
    public async Task Completing_with_a_last_frame_drops_what_was_not_taken_and_wakes_a_waiting_reader_for_it()
    {
        var queue = new FrameQueue(maxFrames: 1000, maxBytes: 10_000);
        for (byte i = 0; i < 100; i++)
            Assert.True(queue.TryWrite([i, i, i]));
        Assert.True(queue.TryRead(out var taken)); // the writer took one already: it stays whole, and is not repeated
        Assert.Equal(0, taken[0]);
        Assert.False(queue.TryWrite(new byte[10_000])); // full in bytes: the last frame goes in all the same

        Assert.True(queue.CompleteWith([42, 42]));

        Assert.Equal(2, queue.QueuedBytes);
        Assert.True(queue.Capacity <= FrameQueue.KeptSlots, $"the dropped frames' slots were kept ({queue.Capacity})");
        Assert.False(queue.TryWrite([1]));
        Assert.False(queue.CompleteWith([7]));
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryRead(out var last));
        Assert.Equal([42, 42], last);
        Assert.Equal(0, queue.QueuedBytes);
        Assert.False(await queue.WaitToReadAsync());

        var idle = new FrameQueue(10, 1000);
        var waiting = idle.WaitToReadAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.True(idle.CompleteWith([9]));
        Assert.True(await waiting.WaitAsync(Timeout));
        Assert.True(idle.TryRead(out var only));
        Assert.Equal(9, only[0]);
        Assert.False(await idle.WaitToReadAsync());
    }

    [Fact]
    public void An_empty_queue_gives_back_what_a_burst_grew_beyond_its_kept_slots()
    {
        var queue = new FrameQueue(5000, 1_000_000);
        for (var i = 0; i < 1000; i++)
            Assert.True(queue.TryWrite([(byte)i]));
        var grown = queue.Capacity;
        Assert.True(grown >= 1000);

        for (var i = 0; i < 999; i++)
            Assert.True(queue.TryRead(out _));
        Assert.Equal(0, queue.ReleaseIdleMemory()); // not while a frame is left
        Assert.Equal(grown, queue.Capacity);

        Assert.True(queue.TryRead(out var last));
        Assert.Equal(unchecked((byte)999), last[0]);
        Assert.Equal(grown, queue.Capacity); // reading alone keeps the space: a busy queue must not regrow it every send
        Assert.Equal((grown - FrameQueue.KeptSlots) * IntPtr.Size, queue.ReleaseIdleMemory());
        Assert.Equal(FrameQueue.KeptSlots, queue.Capacity);
        Assert.Equal(0, queue.ReleaseIdleMemory());

        Assert.True(queue.TryWrite([2]));
        Assert.True(queue.TryRead(out var again));
        Assert.Equal(2, again[0]);
    }
}
