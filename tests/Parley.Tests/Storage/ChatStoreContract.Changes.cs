using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>Replies, mentions, edits, recalls and reactions, as every store keeps them.</summary>
public abstract partial class ChatStoreContract
{
    [Fact]
    public async Task Replies_and_mentions_are_kept_with_their_messages_in_single_and_packed_rows()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "hello"));
        // Overlapping appends share a row (SQLite packs them); the one alone has its own.
        await Task.WhenAll(
            _store.AppendAsync(RoomMessage("bob", "@alice hi") with { ReplyTo = 1, Mentions = ["alice"] }),
            _store.AppendAsync(RoomMessage("carol", "plain")),
            _store.AppendAsync(RoomMessage("alice", "@all look") with { MentionsAll = true, Mentions = ["bob", "carol"] }));
        await ReopenAsync();

        var page = (await _store.HistoryAsync(lobby, null, 10)).Messages.OrderBy(m => m.Seq).ToList();
        var reply = page.Single(m => m.Text == "@alice hi");
        Assert.Equal(1L, reply.ReplyTo);
        Assert.Equal(["alice"], reply.Mentions!);
        var all = page.Single(m => m.Text == "@all look");
        Assert.Equal((true, (long?)null), (all.MentionsAll, all.ReplyTo));
        Assert.Equal(["bob", "carol"], all.Mentions!);
        var plain = page.Single(m => m.Text == "plain");
        Assert.Equal((null, null, false, null), (plain.ReplyTo, plain.Mentions, plain.MentionsAll, plain.State));
        Assert.Equal(reply.ReplyTo, (await _store.FindMessageAsync(lobby, reply.Seq))!.ReplyTo);
        Assert.Equal(page.Select(m => m.Seq), (await _store.HistoryAfterAsync(lobby, 0, 10)).Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task An_edit_replaces_the_text_for_good_and_numbers_the_change()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await Task.WhenAll(Enumerable.Range(1, 3).Select(i => _store.AppendAsync(RoomMessage("alice", $"m{i}"))));
        var edited = T0.AddMinutes(1);

        var first = (await _store.ChangeMessageAsync(lobby, 2, new EditChange("fixed", edited)))!;
        Assert.True(first.Changed);
        Assert.Equal(("fixed", 1L, edited), (first.Message.Text, first.Message.State!.Rev, first.Message.State.Edited!.Value));
        var second = (await _store.ChangeMessageAsync(lobby, 1, new EditChange("again", edited)))!;
        Assert.Equal(2, second.Message.State!.Rev);
        Assert.Null(await _store.ChangeMessageAsync(lobby, 9, new EditChange("none", edited)));
        await ReopenAsync();

        var history = (await _store.HistoryAsync(lobby, null, 10)).Messages;
        Assert.Equal(["m3", "fixed", "again"], history.Select(m => m.Text));
        Assert.Equal([null, 1L, 2L], history.Select(m => m.State?.Rev));
        Assert.Equal("fixed", (await _store.FindMessageAsync(lobby, 2))!.Text);
        // Catching up: the messages changed after a change number, in change order.
        Assert.Equal([2L, 1], (await _store.ChangesAfterAsync(lobby, 0, 10)).Messages.Select(m => m.Seq));
        var after = await _store.ChangesAfterAsync(lobby, 1, 10);
        Assert.Equal(("again", false), (after.Messages.Single().Text, after.More));
        Assert.True((await _store.ChangesAfterAsync(lobby, 0, 1)).More);
    }

    [Fact]
    public async Task A_recall_leaves_a_tombstone_and_nothing_more_can_change_it()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "oops"));
        await _store.AppendAsync(RoomMessage("bob", "next"));
        await _store.ChangeMessageAsync(lobby, 1, new ReactChange("bob", "👍", On: true, MaxEmojis: 20));

        var recalled = (await _store.ChangeMessageAsync(lobby, 1, new RecallChange("alice")))!;
        Assert.True(recalled.Changed);
        Assert.Equal(("", "alice", 2L), (recalled.Message.Text, recalled.Message.State!.RecalledBy, recalled.Message.State.Rev));
        Assert.Empty(recalled.Message.State.Reactions);
        var edit = (await _store.ChangeMessageAsync(lobby, 1, new EditChange("back", T0)))!;
        Assert.False(edit.Changed);
        Assert.False((await _store.ChangeMessageAsync(lobby, 1, new ReactChange("bob", "👍", On: true, MaxEmojis: 20)))!.Changed);
        Assert.False((await _store.ChangeMessageAsync(lobby, 1, new RecallChange("alice")))!.Changed);
        await ReopenAsync();

        var tombstone = (await _store.HistoryAsync(lobby, null, 10)).Messages.Single(m => m.Seq == 1);
        Assert.Equal(("", true, "alice"), (tombstone.Text, tombstone.State!.Recalled, tombstone.From));
        Assert.Equal("next", (await _store.FindMessageAsync(lobby, 2))!.Text);
    }

    [Fact]
    public async Task Reactions_toggle_per_user_keep_their_order_and_stop_at_the_limit()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "vote"));
        async Task<ChangedMessage> React(string user, string emoji, bool on = true) =>
            (await _store.ChangeMessageAsync(lobby, 1, new ReactChange(user, emoji, on, MaxEmojis: 2)))!;

        Assert.True((await React("bob", "👍")).Changed);
        Assert.True((await React("carol", "🎉")).Changed);
        Assert.True((await React("carol", "👍")).Changed);
        Assert.False((await React("bob", "👍")).Changed);
        Assert.False((await React("Bob", "👍")).Changed);
        // A third emoji is past the limit of 2; taking back one never made changes nothing.
        Assert.False((await React("dave", "❤️")).Changed);
        Assert.False((await React("dave", "🎉", on: false)).Changed);
        var last = await React("carol", "🎉", on: false);
        Assert.True(last.Changed);
        await ReopenAsync();

        var message = (await _store.FindMessageAsync(lobby, 1))!;
        var reactions = message.State!.Reactions;
        Assert.Equal(["👍"], reactions.Select(r => r.Emoji));
        Assert.Equal(["bob", "carol"], reactions[0].Users);
        Assert.Equal(("vote", 4L), (message.Text, message.State.Rev));
    }

    [Fact]
    public async Task Changes_in_direct_conversations_and_deleted_rooms()
    {
        await _store.AppendAsync(Direct("alice", "bob", "psst"));
        var direct = ConversationKey.ForDirect("alice", "bob");
        Assert.Equal("hush", (await _store.ChangeMessageAsync(direct, 1, new EditChange("hush", T0)))!.Message.Text);
        Assert.Equal("hush", (await _store.HistoryAsync(direct, null, 5)).Messages.Single().Text);

        await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"]));
        await _store.AppendAsync(RoomMessage("alice", "old", "dev"));
        await _store.ChangeMessageAsync(ConversationKey.ForRoom("dev"), 1, new EditChange("older", T0));
        await _store.DeleteRoomAsync("dev");
        await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"]));
        await _store.AppendAsync(RoomMessage("alice", "new", "dev"));
        var fresh = (await _store.HistoryAsync(ConversationKey.ForRoom("dev"), null, 5)).Messages.Single();
        Assert.Equal(("new", null), (fresh.Text, fresh.State));
        Assert.Empty((await _store.ChangesAfterAsync(ConversationKey.ForRoom("dev"), 0, 5)).Messages);
    }

    [Fact]
    public async Task Unread_messages_that_call_a_user_are_counted_apart()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.AddMemberAsync("lobby", "bob");
        await _store.AppendAsync(RoomMessage("alice", "@bob one") with { Mentions = ["bob"] });
        await _store.SetReadAsync("bob", ConversationKey.ForRoom("lobby"), 1);
        await _store.AppendAsync(RoomMessage("alice", "@bob two") with { Mentions = ["bob"] });
        await _store.AppendAsync(RoomMessage("alice", "plain"));
        await _store.AppendAsync(RoomMessage("alice", "@all three") with { MentionsAll = true });
        await _store.AppendAsync(RoomMessage("bob", "@alice_x nope") with { Mentions = ["alice_x"] });

        var bob = (await _store.ConversationsAsync("bob")).Single(c => c.Conversation == ConversationKey.ForRoom("lobby"));
        Assert.Equal((3L, 2L), (bob.Unread, bob.Mentioned));
        // Her own @all does not call alice; a name that only starts like hers does not either.
        var alice = (await _store.ConversationsAsync("alice")).Single(c => c.Conversation == ConversationKey.ForRoom("lobby"));
        Assert.Equal(0, alice.Mentioned);
    }

    [Fact]
    public async Task A_removed_message_takes_no_change_and_a_recall_drops_what_came_from_the_text()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "bad"));
        await _store.AppendAsync(RoomMessage("bob", "@alice re") with { ReplyTo = 1, Mentions = ["alice"] });
        Assert.True(await _store.RemoveMessageAsync(lobby, 1));
        Assert.False((await _store.ChangeMessageAsync(lobby, 1, new EditChange("back again", T0)))!.Changed);
        Assert.False((await _store.ChangeMessageAsync(lobby, 1, new ReactChange("bob", "👍", On: true, MaxEmojis: 20)))!.Changed);

        var edited = (await _store.ChangeMessageAsync(lobby, 2, new EditChange("@carol re", T0, ["carol"])))!.Message;
        Assert.Equal(["carol"], edited.Mentions!);
        Assert.Equal(1L, edited.ReplyTo);
        await _store.ChangeMessageAsync(lobby, 2, new RecallChange("bob"));
        await ReopenAsync();
        var recalled = (await _store.FindMessageAsync(lobby, 2))!;
        Assert.Equal(("", (long?)null, (IReadOnlyList<string>?)null), (recalled.Text, recalled.ReplyTo, recalled.Mentions));
        var removed = (await _store.FindMessageAsync(lobby, 1))!;
        Assert.Equal(("", null), (removed.Text, removed.State));
    }

    [Fact]
    public async Task Changed_messages_still_count_for_unread_mentions_and_the_latest_time()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.AddMemberAsync("lobby", "bob");
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "mine"));
        await _store.AppendAsync(RoomMessage("bob", "@alice look") with { Mentions = ["alice"] });
        await _store.AppendAsync(RoomMessage("alice", "mine too") with { Timestamp = T0.AddMinutes(5) });
        var before = (await _store.ConversationsAsync("alice")).Single(c => c.Conversation == lobby);

        // Reactions to all three (with Redis, each moves its entry out of the stream).
        foreach (var seq in new long[] { 1, 2, 3 })
            await _store.ChangeMessageAsync(lobby, seq, new ReactChange("bob", "👍", On: true, MaxEmojis: 20));
        var after = (await _store.ConversationsAsync("alice")).Single(c => c.Conversation == lobby);
        Assert.Equal((1L, 1L, T0.AddMinutes(5)), (after.Unread, after.Mentioned, after.LastTs!.Value));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Search_finds_an_edited_text_and_a_reacted_message_but_never_a_recalled_one()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AppendAsync(RoomMessage("alice", "the zebra plan"));
        await _store.AppendAsync(RoomMessage("alice", "zebra crossing"));
        await _store.AppendAsync(RoomMessage("bob", "zebra secret"));
        await _store.ChangeMessageAsync(lobby, 1, new EditChange("the giraffe plan", T0));
        await _store.ChangeMessageAsync(lobby, 2, new ReactChange("bob", "🦓", On: true, MaxEmojis: 20));
        await _store.ChangeMessageAsync(lobby, 3, new RecallChange("bob"));

        async Task<long[]> Found(string text) =>
            (await _store.SearchAsync([lobby], text, null, 10)).Messages.Select(m => m.Seq).ToArray();
        Assert.Equal(2L, Assert.Single(await Found("zebra")));
        Assert.Equal(1L, Assert.Single(await Found("giraffe")));
        Assert.Empty(await Found("secret"));
    }
}
