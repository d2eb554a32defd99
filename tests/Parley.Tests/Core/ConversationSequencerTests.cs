using Microsoft.Extensions.Time.Testing;
using Parley.Core.Hub;
using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class ConversationSequencerTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<long> _delivered = [];

    private readonly Dictionary<long, StoredMessage> _inStore = [];

    private ConversationSequencer NewSequencer() =>
        new(_clock, TimeSpan.FromSeconds(1),
            (after, before) => Task.FromResult<IReadOnlyList<StoredMessage>>(_inStore.Values.Where(m => m.Seq > after && m.Seq < before).ToList()),
            m => _delivered.Add(m.Seq));

    private static StoredMessage Message(long seq) =>
        new($"m{seq}", "r:lobby", seq, DateTimeOffset.UnixEpoch, "alice", "lobby", null, $"text {seq}");

    private void Offer(ConversationSequencer sequencer, long seq) => sequencer.OfferRemote(Message(seq));

    [Fact]
    public void Remote_messages_that_overtake_each_other_are_delivered_in_seq_order()
    {
        var sequencer = NewSequencer();
        Offer(sequencer, 1);
        Offer(sequencer, 4);
        Offer(sequencer, 3);
        Assert.Equal([1L], _delivered);
        Offer(sequencer, 2);
        Assert.Equal([1L, 2, 3, 4], _delivered);
        Offer(sequencer, 5);
        Assert.Equal([1L, 2, 3, 4, 5], _delivered);
    }

    [Fact]
    public void A_gap_that_does_not_fill_in_time_is_filled_from_the_store()
    {
        var sequencer = NewSequencer();
        _inStore[11] = Message(11);
        Offer(sequencer, 10);
        Offer(sequencer, 12);
        Offer(sequencer, 13);
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal([10L], _delivered);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([10L, 11, 12, 13], _delivered);
    }

    [Fact]
    public void A_gap_the_store_cannot_fill_is_skipped_and_what_comes_late_is_not_delivered_twice()
    {
        var sequencer = NewSequencer();
        Offer(sequencer, 10);
        Offer(sequencer, 12);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([10L, 12], _delivered);

        Offer(sequencer, 11);
        Offer(sequencer, 12);
        Offer(sequencer, 13);
        Assert.Equal([10L, 12, 13], _delivered);
    }
}
