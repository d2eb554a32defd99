using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>A conversation's ts never decreases as its seq increases, whatever the clock said (docs/protocol.md, "Timestamps").</summary>
public abstract partial class ChatStoreContract
{
    [Fact]
    public async Task A_message_stamped_before_its_conversations_latest_gets_the_latest_ts_there_and_after_a_reopen()
    {
        var later = T0.AddHours(1);
        var first = await _store.AppendAsync(RoomMessage("alice", "at the later time") with { Timestamp = later });
        // The clock stepped back an hour.
        var second = await _store.AppendAsync(RoomMessage("alice", "stamped an hour earlier"));
        Assert.Equal((1L, later, 2L, later), (first.Seq, first.Timestamp, second.Seq, second.Timestamp));
        // Another conversation has its own floor.
        var direct = await _store.AppendAsync(Direct("alice", "bob", "elsewhere"));
        Assert.Equal(T0, direct.Timestamp);

        // Several at once share one commit (SQLite packs them in one row): the floor is the last one's.
        var packed = await Task.WhenAll(Enumerable.Range(1, 3).Select(i =>
            _store.AppendAsync(RoomMessage("alice", $"packed {i}") with { Timestamp = later.AddMilliseconds(i) })));
        Assert.Equal([later.AddMilliseconds(1), later.AddMilliseconds(2), later.AddMilliseconds(3)], packed.Select(m => m.Timestamp));

        await ReopenAsync();
        var afterReopen = await _store.AppendAsync(RoomMessage("alice", "after a restart, still an hour behind"));
        Assert.Equal((6L, later.AddMilliseconds(3)), (afterReopen.Seq, afterReopen.Timestamp));
        var history = await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 10);
        Assert.Equal([later, later, later.AddMilliseconds(1), later.AddMilliseconds(2), later.AddMilliseconds(3), later.AddMilliseconds(3)],
            history.Messages.OrderBy(m => m.Seq).Select(m => m.Timestamp));
        Assert.Equal(T0, Assert.Single((await _store.HistoryAsync(ConversationKey.ForDirect("alice", "bob"), null, 10)).Messages).Timestamp);
    }

    [Fact]
    public async Task The_floor_holds_when_the_latest_message_was_changed_since()
    {
        var later = T0.AddHours(1);
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "first"));
        var latest = await _store.AppendAsync(RoomMessage("alice", "at the later time") with { Timestamp = later });
        // A reaction (an edit, a recall) moves the message out of Redis's stream into its revised hash.
        Assert.NotNull(await _store.ChangeMessageAsync(lobby, latest.Seq, new ReactChange("bob", "👍", On: true, MaxEmojis: 20)));

        var next = await _store.AppendAsync(RoomMessage("alice", "stamped an hour earlier"));
        Assert.Equal((3L, later), (next.Seq, next.Timestamp));
    }
}
