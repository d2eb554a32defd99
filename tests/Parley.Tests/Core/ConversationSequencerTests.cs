using Microsoft.Extensions.Time.Testing;
using Parley.Core.Cluster;
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

    // Replies are completed (the id of the message they answer) before they are handed on, and
    // nothing overtakes one that waits for its lookup.

    private readonly List<StoredMessage> _handedOn = [];
    // Each reply's lookup, by the reply's own seq, answered when the test says.
    private readonly Dictionary<long, TaskCompletionSource<string>> _lookups = [];

    private ConversationSequencer NewReplySequencer()
    {
        var sequencer = new ConversationSequencer(_clock, TimeSpan.FromSeconds(1),
            (after, upTo) => Task.FromResult<IReadOnlyList<StoredMessage>>(_inStore.Values.Where(m => m.Seq > after && m.Seq < upTo).ToList()),
            () => Task.FromResult(0L),
            (m, _) => _handedOn.Add(m),
            // Without xunit's context, so that an answer hands the reply on before SetResult returns.
            async m => m with { ReplyToId = await Lookup(m.Seq).Task.ConfigureAwait(false) });
        sequencer.SetBaseline(0);
        return sequencer;
    }

    private TaskCompletionSource<string> Lookup(long seq) =>
        _lookups.TryGetValue(seq, out var lookup) ? lookup : _lookups[seq] = new TaskCompletionSource<string>();

    private static StoredMessage Reply(long seq, long to) => Message(seq) with { ReplyTo = to };

    [Fact]
    public async Task Another_nodes_reply_waits_for_its_parents_id_and_holds_what_follows()
    {
        var sequencer = NewReplySequencer();
        sequencer.OfferRemote(Message(1));
        sequencer.OfferRemote(Reply(2, to: 1));
        sequencer.OfferRemote(Message(3));
        Assert.Equal([1L], _handedOn.Select(m => m.Seq));
        Lookup(2).SetResult("m1");
        await Until.TrueAsync(() => _handedOn.Count == 3, "the reply and what waited for it are handed on");
        Assert.Equal([1L, 2, 3], _handedOn.Select(m => m.Seq));
        Assert.Equal([null, "m1", null], _handedOn.Select(m => m.ReplyToId));
    }

    [Fact]
    public void A_lookup_slower_than_the_gap_timeout_loses_to_the_store_and_its_late_answer_changes_nothing()
    {
        var sequencer = NewReplySequencer();
        // The store's gap fill completes replies itself (SequencerFactory).
        _inStore[2] = Reply(2, to: 1) with { ReplyToId = "m1" };
        sequencer.OfferRemote(Message(1));
        sequencer.OfferRemote(Reply(2, to: 1));
        sequencer.OfferRemote(Message(3));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([1L, 2, 3], _handedOn.Select(m => m.Seq));
        Lookup(2).SetResult("late");
        Assert.Equal([null, "m1", null], _handedOn.Select(m => m.ReplyToId));
    }

    [Fact]
    public async Task A_local_reply_is_handed_on_after_its_lookup_and_a_later_send_waits_for_it()
    {
        var sequencer = NewReplySequencer();
        var backplane = new NumberingBackplane();
        var reply = sequencer.AppendAsync(backplane, NewMessage("the reply") with { ReplyTo = 1 }, origin: null);
        // Stored at once; not handed on before the reply is.
        var next = sequencer.AppendAsync(backplane, NewMessage("sent after"), origin: null);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(_handedOn);
        Lookup(1).SetResult("m0");
        Assert.Equal("m0", (await reply.WaitAsync(TimeSpan.FromSeconds(5))).ReplyToId);
        Assert.Equal([(1L, "m0"), (2L, null)], _handedOn.Select(m => (m.Seq, m.ReplyToId)));
    }

    [Fact]
    public async Task A_failed_lookup_hands_the_reply_on_without_the_id()
    {
        var sequencer = NewReplySequencer();
        var reply = sequencer.AppendAsync(new NumberingBackplane(), NewMessage("the reply") with { ReplyTo = 1 }, origin: null);
        Lookup(1).SetException(new InvalidOperationException("the store is away"));
        Assert.Null((await reply.WaitAsync(TimeSpan.FromSeconds(5))).ReplyToId);
        Assert.Equal([1L], _handedOn.Select(m => m.Seq));
    }

    private static NewMessage NewMessage(string text) => new("id-" + text, "r:lobby", DateTimeOffset.UnixEpoch, "alice", "lobby", null, text);

    /// <summary>Stores at once, numbering appends in call order, as a backplane does.</summary>
    private sealed class NumberingBackplane : IBackplane
    {
        private long _seq;

        public string NodeId => "test";

        public Task<StoredMessage> AppendAsync(NewMessage message) => Task.FromResult(message.WithSeq(++_seq));

        public Task StartAsync(Action<ClusterEvent> onRemote, Func<IReadOnlyCollection<LocalUser>> localUsers, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task PublishAsync(ClusterEvent clusterEvent) => Task.CompletedTask;

        public Task<IReadOnlyList<NodePresence>> RemotePresenceAsync() => Task.FromResult<IReadOnlyList<NodePresence>>([]);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
