using Microsoft.Extensions.Time.Testing;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

public sealed class ConversationSequencerTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly List<long> _delivered = [];

    private readonly Dictionary<long, StoredMessage> _inStore = [];

    private ConversationSequencer NewSequencer(long? baseline = 9) =>
        NewSequencer(() => Task.FromResult(baseline ?? 0), baseline);

    private ConversationSequencer NewSequencer(Func<Task<long>> lastStoredSeq, long? knownBaseline)
    {
        var sequencer = new ConversationSequencer(_clock, TimeSpan.FromSeconds(1),
            (after, upTo) => Task.FromResult<IReadOnlyList<StoredMessage>>(_inStore.Values.Where(m => m.Seq > after && m.Seq < upTo).ToList()),
            lastStoredSeq,
            (m, _) => _delivered.Add(m.Seq));
        if (knownBaseline is { } known)
            sequencer.SetBaseline(known);
        return sequencer;
    }

    private static StoredMessage Message(long seq) =>
        new($"m{seq}", "r:lobby", seq, DateTimeOffset.UnixEpoch, "alice", "lobby", null, $"text {seq}");

    private void Offer(ConversationSequencer sequencer, long seq) => sequencer.OfferRemote(Message(seq));

    [Fact]
    public void Remote_messages_that_overtake_each_other_are_delivered_in_seq_order()
    {
        var sequencer = NewSequencer(baseline: 0);
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

    [Fact]
    public void Several_gaps_are_all_filled_from_the_store()
    {
        var sequencer = NewSequencer();
        foreach (var seq in new long[] { 11, 13, 14 })
            _inStore[seq] = Message(seq);
        foreach (var seq in new long[] { 10, 12, 15 })
            Offer(sequencer, seq);
        Assert.Equal([10L], _delivered);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([10L, 11, 12, 13, 14, 15], _delivered);
    }

    [Fact]
    public async Task Without_a_baseline_messages_wait_and_the_first_one_waiting_is_not_dropped()
    {
        var release = new TaskCompletionSource<long>();
        var sequencer = NewSequencer(() => release.Task, knownBaseline: null);
        // Another node's seq 6 arrives before this node knows where the conversation stands,
        // and the store already says 6 by the time it answers.
        Offer(sequencer, 7);
        Offer(sequencer, 6);
        Assert.Empty(_delivered);
        release.SetResult(7);
        await Until.TrueAsync(() => _delivered.Count == 2, "the waiting messages are delivered");
        Assert.Equal([6L, 7], _delivered);
    }
}
