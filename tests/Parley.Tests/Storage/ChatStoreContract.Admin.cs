using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>Accounts as their owners and the operator change them: revoked tokens, disabled and deleted accounts, the listing.</summary>
public abstract partial class ChatStoreContract
{
    [Fact]
    public async Task Revoking_a_users_tokens_revokes_all_of_them_and_no_one_elses()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.SaveTokenAsync("a1", "alice", T0, TimeSpan.FromDays(30));
        await _store.SaveTokenAsync("a2", "alice", T0, TimeSpan.FromDays(30));
        await _store.SaveTokenAsync("b1", "bob", T0, TimeSpan.FromDays(30));

        await _store.RevokeTokensAsync("alice");
        Assert.Null((await _store.FindTokenAsync("a1"))?.UserName);
        Assert.Null((await _store.FindTokenAsync("a2"))?.UserName);
        Assert.Equal("bob", (await _store.FindTokenAsync("b1"))?.UserName);

        // A token saved after the revocation is valid, also after a reopen.
        await _store.SaveTokenAsync("a3", "alice", T0, TimeSpan.FromDays(30));
        await ReopenAsync();
        Assert.Equal("alice", (await _store.FindTokenAsync("a3"))?.UserName);
        Assert.Null((await _store.FindTokenAsync("a1"))?.UserName);
    }

    [Fact]
    public async Task A_disabled_account_keeps_everything_but_its_tokens_are_not_found_until_enabled()
    {
        await AddUser("alice");
        await _store.SaveTokenAsync("a1", "alice", T0, TimeSpan.FromDays(30));
        Assert.Equal(AccountState.Active, (await _store.FindUserAsync("alice"))!.State);

        Assert.True(await _store.SetAccountStateAsync("alice", AccountState.Disabled));
        await ReopenAsync();
        var disabled = (await _store.FindUserAsync("alice"))!;
        Assert.Equal((AccountState.Disabled, "hash-of-alice"), (disabled.State, disabled.PasswordHash));
        Assert.Null((await _store.FindTokenAsync("a1"))?.UserName);

        Assert.True(await _store.SetAccountStateAsync("alice", AccountState.Active));
        Assert.Equal(AccountState.Active, (await _store.FindUserAsync("alice"))!.State);
        Assert.False(await _store.SetAccountStateAsync("nobody", AccountState.Disabled));
    }

    [Fact]
    public async Task A_deleted_account_leaves_a_tombstone_that_keeps_its_name_and_its_messages_stay()
    {
        await AddUser("alice");
        await AddUser("bob");
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice", "bob"])));
        await _store.AddMemberAsync("lobby", "alice");
        await _store.SaveTokenAsync("a1", "alice", T0, TimeSpan.FromDays(30));
        var said = await _store.AppendAsync(RoomMessage("alice", "hello", "dev"));
        await _store.AppendAsync(Direct("alice", "bob", "psst"));
        await _store.SetReadAsync("alice", ConversationKey.ForRoom("dev"), said.Seq);

        Assert.True(await _store.DeleteUserAsync("alice"));
        Assert.False(await _store.DeleteUserAsync("alice"));
        Assert.False(await _store.DeleteUserAsync("nobody"));
        await ReopenAsync();

        var tombstone = (await _store.FindUserAsync("alice"))!;
        Assert.Equal((AccountState.Deleted, ""), (tombstone.State, tombstone.PasswordHash));
        Assert.False(await AddUser("Alice"));
        Assert.False(await _store.SetAccountStateAsync("alice", AccountState.Active));
        Assert.Null((await _store.FindTokenAsync("a1"))?.UserName);
        Assert.Empty(await _store.ConversationsAsync("alice"));
        var rooms = (await _store.LoadRoomsAsync()).ToDictionary(r => r.Key);
        Assert.Equal(["bob"], rooms["dev"].Members);
        Assert.Empty(rooms["lobby"].Members);
        // What was said stays, under the old name, and the other side keeps the direct conversation.
        Assert.Equal("alice", Assert.Single((await _store.HistoryAsync(ConversationKey.ForRoom("dev"), null, 10)).Messages).From);
        Assert.Contains(await _store.ConversationsAsync("bob"), c => c.Peer == "alice" && c.LastSeq == 1);
    }

    [Fact]
    public async Task Users_are_listed_by_prefix_in_key_order_after_a_name_without_the_deleted()
    {
        foreach (var name in new[] { "carol", "Anna", "al_x", "alice", "bob", "alf" })
            await AddUser(name);
        await _store.SetAccountStateAsync("bob", AccountState.Disabled);
        await _store.DeleteUserAsync("alf");

        Assert.Equal(["al_x", "alice", "Anna", "bob", "carol"], (await _store.ListUsersAsync("", null, 100)).Select(u => u.Name));
        Assert.Equal(["al_x", "alice"], (await _store.ListUsersAsync("al", null, 100)).Select(u => u.Name));
        Assert.Equal(["alice"], (await _store.ListUsersAsync("al", "al_x", 100)).Select(u => u.Name));
        Assert.Equal(["al_x", "alice"], (await _store.ListUsersAsync("a", null, 2)).Select(u => u.Name));
        Assert.Equal(AccountState.Disabled, (await _store.ListUsersAsync("b", null, 10)).Single().State);
    }

    [Fact]
    public async Task A_removed_message_keeps_its_place_in_history_without_its_text_in_single_and_packed_rows()
    {
        // Appends that overlap are committed together (packed in one row by SQLite); one alone is a row of its own.
        await Task.WhenAll(Enumerable.Range(1, 5).Select(i => _store.AppendAsync(RoomMessage("alice", $"m{i}"))));
        await _store.AppendAsync(RoomMessage("bob", "m6"));
        await _store.AppendAsync(Direct("alice", "bob", "secret"));
        var lobby = ConversationKey.ForRoom("lobby");

        Assert.True(await _store.RemoveMessageAsync(lobby, 2));
        Assert.True(await _store.RemoveMessageAsync(lobby, 6));
        Assert.True(await _store.RemoveMessageAsync(lobby, 6));
        Assert.True(await _store.RemoveMessageAsync(ConversationKey.ForDirect("bob", "alice"), 1));
        Assert.False(await _store.RemoveMessageAsync(lobby, 7));
        Assert.False(await _store.RemoveMessageAsync(ConversationKey.ForRoom("nowhere"), 1));
        await ReopenAsync();

        var all = (await _store.HistoryAsync(lobby, null, 10)).Messages;
        Assert.Equal([6L, 5, 4, 3, 2, 1], all.Select(m => m.Seq));
        Assert.Equal(["", "m5", "m4", "m3", "", "m1"], all.Select(m => m.Text));
        Assert.Equal(("bob", "lobby"), (all[0].From, all[0].Room));
        // Paging around a tombstone, both ways.
        var newest = await _store.HistoryAsync(lobby, null, 1);
        Assert.Equal((6L, true), (newest.Messages.Single().Seq, newest.More));
        var page = await _store.HistoryAsync(lobby, 4, 2);
        Assert.Equal([3L, 2], page.Messages.Select(m => m.Seq));
        Assert.True(page.More);
        var last = await _store.HistoryAsync(lobby, 3, 5);
        Assert.Equal([2L, 1], last.Messages.Select(m => m.Seq));
        Assert.False(last.More);
        var after = await _store.HistoryAfterAsync(lobby, 1, 2);
        Assert.Equal([2L, 3], after.Messages.Select(m => m.Seq));
        Assert.True(after.More);
        var tail = await _store.HistoryAfterAsync(lobby, 4, 10);
        Assert.Equal([5L, 6], tail.Messages.Select(m => m.Seq));
        Assert.False(tail.More);
        var direct = Assert.Single((await _store.HistoryAsync(ConversationKey.ForDirect("alice", "bob"), null, 10)).Messages);
        Assert.Equal(("", "alice", "bob"), (direct.Text, direct.From, direct.To));
        // The conversation goes on numbering after its last message was removed.
        Assert.Equal(7, (await _store.AppendAsync(RoomMessage("alice", "m7"))).Seq);
    }
}
