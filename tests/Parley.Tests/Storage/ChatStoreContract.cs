using Parley.Core.Model;
using Parley.Core.Storage;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

/// <summary>
/// What every <see cref="IChatStore"/> must do. Each implementation subclasses this once; the
/// tests are the same for all of them.
/// </summary>
public abstract partial class ChatStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = TempDirectory.Create();
    private IChatStore _store = null!;

    /// <summary>A store over <paramref name="directory"/>; a second call on the same directory must see the first one's data.</summary>
    protected abstract IChatStore CreateStore(string directory);

    public async Task InitializeAsync()
    {
        _store = CreateStore(_directory);
        await _store.InitializeAsync("lobby", T0);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private async Task ReopenAsync()
    {
        await _store.DisposeAsync();
        _store = CreateStore(_directory);
        await _store.InitializeAsync("lobby", T0);
    }

    private Task<bool> AddUser(string name) => _store.TryCreateUserAsync(new UserRecord(name, "hash-of-" + name, T0));

    private static NewMessage RoomMessage(string from, string text, string room = "lobby") =>
        new(Guid.NewGuid().ToString("N"), ConversationKey.ForRoom(room), T0, from, room, null, text);

    private static NewMessage Direct(string from, string to, string text) =>
        new(Guid.NewGuid().ToString("N"), ConversationKey.ForDirect(from, to), T0, from, null, to, text);

    [Fact]
    public async Task The_default_room_exists_from_the_start()
    {
        var rooms = await _store.LoadRoomsAsync();
        var lobby = Assert.Single(rooms);
        Assert.Equal("lobby", lobby.Name);
        Assert.Empty(lobby.Members);
    }

    [Fact]
    public async Task A_rooms_moderation_is_kept_replaced_whole_and_survives_a_reopen()
    {
        Assert.Null((await _store.LoadRoomsAsync()).Single().Moderation);
        var first = new RoomModeration(InviteOnly: true, Moderated: false, TopicLocked: true, Secret: false, Key: "sesame", Limit: 5,
            new Dictionary<string, RoomRole> { ["alice"] = RoomRole.Owner, ["bob"] = RoomRole.Voiced },
            [new RoomBan("eve!*@*", "alice", T0), new RoomBan("mallory", "alice", T0, T0.AddHours(1))])
        {
            Mutes = [new RoomMute("bob", "alice", T0, T0.AddMinutes(5)), new RoomMute("carl", "alice", T0)],
        };
        await _store.SetModerationAsync("lobby", first);
        await ReopenAsync();
        var kept = (await _store.LoadRoomsAsync()).Single().Moderation!;
        Assert.True(kept.InviteOnly && kept.TopicLocked && !kept.Moderated && !kept.Secret);
        Assert.Equal(("sesame", 5), (kept.Key, kept.Limit));
        Assert.Equal(RoomRole.Owner, kept.Roles["alice"]);
        Assert.Equal(RoomRole.Voiced, kept.Roles["bob"]);
        Assert.Equal([new RoomBan("eve!*@*", "alice", T0), new RoomBan("mallory", "alice", T0, T0.AddHours(1))], kept.Bans);
        Assert.Equal([new RoomMute("bob", "alice", T0, T0.AddMinutes(5)), new RoomMute("carl", "alice", T0)], kept.Mutes);

        await _store.SetModerationAsync("lobby", RoomModeration.Default with { Moderated = true });
        var replaced = (await _store.LoadRoomsAsync()).Single().Moderation!;
        Assert.True(replaced.Moderated);
        Assert.Null(replaced.Key);
        Assert.Empty(replaced.Roles);
        Assert.Empty(replaced.Bans);
        Assert.Empty(replaced.Mutes);
    }

    [Fact]
    public async Task A_system_line_keeps_its_mark_alone_or_stored_with_others_in_one_commit_and_after_a_reopen()
    {
        await _store.AppendAsync(RoomMessage("alice", "said"));
        await _store.AppendAsync(RoomMessage("alice", "alice removed bob") with { IsSystem = true });
        // Queued together, so one commit stores them (a packed row in SQLite).
        var burst = new[]
        {
            _store.AppendAsync(RoomMessage("bob", "x")),
            _store.AppendAsync(RoomMessage("alice", "alice muted carol") with { IsSystem = true }),
            _store.AppendAsync(RoomMessage("bob", "y")),
        };
        await Task.WhenAll(burst);
        await ReopenAsync();
        var history = (await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 10)).Messages.OrderBy(m => m.Seq).ToList();
        Assert.Equal([false, true, false, true, false], history.Select(m => m.IsSystem));
        Assert.Equal(["said", "alice removed bob", "x", "alice muted carol", "y"], history.Select(m => m.Text));
        var after = (await _store.HistoryAfterAsync(ConversationKey.ForRoom("lobby"), 3, 10)).Messages;
        Assert.Equal([true, false], after.Select(m => m.IsSystem));
    }

    [Fact]
    public async Task A_deleted_room_goes_with_its_members_messages_and_reads_and_its_name_starts_afresh()
    {
        await AddUser("alice");
        await AddUser("bob");
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("Dev", "code", T0, ["alice"])));
        await _store.AddMemberAsync("dev", "bob");
        await _store.SetModerationAsync("dev", RoomModeration.Default with { Secret = true });
        for (var i = 0; i < 3; i++)
            await _store.AppendAsync(RoomMessage("alice", $"m{i}", "dev"));
        await _store.SetReadAsync("bob", ConversationKey.ForRoom("dev"), 2);
        // Appended just before the delete, not awaited: it goes with the room.
        var late = _store.AppendAsync(RoomMessage("bob", "late", "dev"));

        await _store.DeleteRoomAsync("dev");
        await late;
        Assert.DoesNotContain((await _store.LoadRoomsAsync()), r => r.Key == "dev");
        Assert.Empty((await _store.HistoryAsync(ConversationKey.ForRoom("dev"), null, 10)).Messages);
        Assert.DoesNotContain(await _store.ConversationsAsync("bob"), c => c.Conversation == ConversationKey.ForRoom("dev"));
        Assert.Equal(0, (await _store.ReadMarkAsync("bob", ConversationKey.ForRoom("dev"))).Seq);

        await ReopenAsync();
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["bob"])));
        var again = (await _store.LoadRoomsAsync()).Single(r => r.Key == "dev");
        Assert.Equal(["bob"], again.Members);
        Assert.Null(again.Moderation);
        Assert.Equal(1, (await _store.AppendAsync(RoomMessage("bob", "fresh", "dev"))).Seq);
    }

    [Fact]
    public async Task A_former_member_of_a_deleted_room_joins_its_successor_with_nothing_read_ahead()
    {
        await AddUser("alice");
        await AddUser("bob");
        var dev = ConversationKey.ForRoom("dev");
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice", "bob"])));
        for (var i = 0; i < 5; i++)
            await _store.AppendAsync(RoomMessage("alice", $"old {i}", "dev"));
        await _store.SetReadAsync("bob", dev, 5);
        await _store.RemoveMemberAsync("dev", "bob");
        await _store.DeleteRoomAsync("dev");

        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"])));
        await _store.AppendAsync(RoomMessage("alice", "new 1", "dev"));
        await _store.AppendAsync(RoomMessage("alice", "new 2", "dev"));
        await _store.AddMemberAsync("dev", "bob");
        await _store.AppendAsync(RoomMessage("alice", "new 3", "dev"));
        await _store.AppendAsync(RoomMessage("alice", "new 4", "dev"));
        var state = (await _store.ConversationsAsync("bob")).Single(c => c.Conversation == dev);
        Assert.Equal((4L, 2L, 2L), (state.LastSeq, state.ReadSeq, state.Unread));
    }

    [Fact]
    public async Task Users_are_unique_ignoring_case_and_keep_their_spelling()
    {
        Assert.True(await AddUser("Alice"));
        Assert.False(await AddUser("alice"));
        var found = await _store.FindUserAsync("alice");
        Assert.NotNull(found);
        Assert.Equal("Alice", found.Name);
        Assert.Equal("hash-of-Alice", found.PasswordHash);
        Assert.Null(await _store.FindUserAsync("bob"));

        await _store.SetPasswordHashAsync("alice", "new-hash");
        Assert.Equal("new-hash", (await _store.FindUserAsync("alice"))!.PasswordHash);
    }

    [Fact]
    public async Task Tokens_are_found_until_deleted()
    {
        await AddUser("alice");
        await _store.SaveTokenAsync("t1", "alice", T0, TimeSpan.FromDays(30));
        Assert.Equal("alice", (await _store.FindTokenAsync("t1"))?.UserName);
        Assert.Null((await _store.FindTokenAsync("t2"))?.UserName);
        await _store.DeleteTokenAsync("t1");
        Assert.Null((await _store.FindTokenAsync("t1"))?.UserName);
    }

    [Fact]
    public async Task Rooms_topics_and_membership_are_kept()
    {
        await AddUser("alice");
        await AddUser("bob");
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("Dev", "code talk", T0, ["alice"])));
        Assert.False(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["bob"])));
        await _store.AddMemberAsync("dev", "bob");
        await _store.AddMemberAsync("dev", "bob");
        await _store.SetTopicAsync("dev", "new topic");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.RemoveMemberAsync("lobby", "alice");

        await ReopenAsync();
        var rooms = (await _store.LoadRoomsAsync()).ToDictionary(r => r.Key);
        Assert.Equal(["dev", "lobby"], rooms.Keys.Order());
        Assert.Equal("Dev", rooms["dev"].Name);
        Assert.Equal("new topic", rooms["dev"].Topic);
        Assert.Equal(["alice", "bob"], rooms["dev"].Members.Order());
        Assert.Empty(rooms["lobby"].Members);
    }

    [Fact]
    public async Task Overlapping_appends_are_numbered_in_call_order_per_conversation()
    {
        var lobby = Enumerable.Range(1, 200).Select(i => _store.AppendAsync(RoomMessage("alice", $"m{i}"))).ToList();
        var direct = Enumerable.Range(1, 50).Select(i => _store.AppendAsync(Direct("alice", "bob", $"d{i}"))).ToList();
        var stored = await Task.WhenAll(lobby);
        var directStored = await Task.WhenAll(direct);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), stored.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"m{i}"), stored.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), directStored.Select(m => m.Seq));
    }

    [Fact]
    public async Task Sequences_continue_after_reopening()
    {
        await _store.AppendAsync(RoomMessage("alice", "one"));
        await _store.AppendAsync(RoomMessage("alice", "two"));
        await ReopenAsync();
        var third = await _store.AppendAsync(RoomMessage("alice", "three"));
        Assert.Equal(3, third.Seq);
    }

    [Fact]
    public async Task History_pages_newest_first_by_sequence()
    {
        for (var i = 1; i <= 7; i++)
            await _store.AppendAsync(RoomMessage("alice", $"m{i}"));
        var conversation = ConversationKey.ForRoom("lobby");

        var first = await _store.HistoryAsync(conversation, null, 3);
        Assert.Equal([7L, 6, 5], first.Messages.Select(m => m.Seq));
        Assert.True(first.More);
        var second = await _store.HistoryAsync(conversation, 5, 3);
        Assert.Equal([4L, 3, 2], second.Messages.Select(m => m.Seq));
        Assert.True(second.More);
        var last = await _store.HistoryAsync(conversation, 2, 3);
        Assert.Equal([1L], last.Messages.Select(m => m.Seq));
        Assert.False(last.More);

        var message = first.Messages[0];
        Assert.Equal("m7", message.Text);
        Assert.Equal("alice", message.From);
        Assert.Equal("lobby", message.Room);
        Assert.Null(message.To);
        Assert.Equal(T0, message.Timestamp);
    }

    [Fact]
    public async Task History_after_a_seq_pages_oldest_first_also_inside_a_packed_commit()
    {
        await _store.AppendAsync(RoomMessage("alice", "m1"));
        // Queued together: in SQLite they may share one packed row, which a page starts inside of.
        await Task.WhenAll(Enumerable.Range(2, 6).Select(i => _store.AppendAsync(RoomMessage("alice", $"m{i}"))));
        var conversation = ConversationKey.ForRoom("lobby");

        var first = await _store.HistoryAfterAsync(conversation, 0, 3);
        Assert.Equal([1L, 2, 3], first.Messages.Select(m => m.Seq));
        Assert.True(first.More);
        var middle = await _store.HistoryAfterAsync(conversation, 3, 2);
        Assert.Equal([4L, 5], middle.Messages.Select(m => m.Seq));
        Assert.Equal(["m4", "m5"], middle.Messages.Select(m => m.Text));
        Assert.True(middle.More);
        var last = await _store.HistoryAfterAsync(conversation, 5, 3);
        Assert.Equal([6L, 7], last.Messages.Select(m => m.Seq));
        Assert.False(last.More);
        Assert.Empty((await _store.HistoryAfterAsync(conversation, 7, 3)).Messages);
        Assert.Empty((await _store.HistoryAfterAsync(ConversationKey.ForRoom("nowhere"), 0, 3)).Messages);
    }

    [Fact]
    public async Task Text_is_kept_byte_for_byte()
    {
        const string text = "<img src=x onerror=alert(1)> \"quotes\" \\ 你好 🎉\nsecond line\t";
        await _store.AppendAsync(RoomMessage("alice", text));
        var page = await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 1);
        Assert.Equal(text, page.Messages[0].Text);
    }

    [Fact]
    public async Task A_text_longer_than_any_before_is_kept_whole_and_the_next_short_one_too()
    {
        // 4,000 UTF-16 units, 8,000 UTF-8 bytes: past the SQLite writer's first bind buffer.
        var text = string.Concat(Enumerable.Repeat("añ🎉", 1000));
        await _store.AppendAsync(RoomMessage("alice", text));
        await _store.AppendAsync(RoomMessage("alice", "short"));
        var page = await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 2);
        Assert.Equal(["short", text], page.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_new_member_has_read_what_was_said_before_it_joined()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.AppendAsync(RoomMessage("alice", "before bob"));
        await _store.AppendAsync(RoomMessage("alice", "also before"));
        await _store.AddMemberAsync("lobby", "bob");
        await _store.AppendAsync(RoomMessage("alice", "after bob"));
        await _store.AddMemberAsync("lobby", "bob");

        var lobby = Assert.Single(await _store.ConversationsAsync("bob"));
        Assert.Equal((3L, 2L, 1L), (lobby.LastSeq, lobby.ReadSeq, lobby.Unread));
    }

    [Fact]
    public async Task A_read_mark_or_join_queued_right_behind_appends_sees_them()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        // Not awaited one by one: the writes queue together, as under load, and may share a transaction.
        var appends = Enumerable.Range(1, 100).Select(i => _store.AppendAsync(RoomMessage("bob", $"m{i}"))).ToList();
        var read = _store.SetReadAsync("alice", ConversationKey.ForRoom("lobby"), 100);
        var join = _store.AddMemberAsync("lobby", "bob");
        await Task.WhenAll(appends);
        await Task.WhenAll(read, join);

        var alices = Assert.Single(await _store.ConversationsAsync("alice"));
        Assert.Equal((100L, 100L, 0L), (alices.LastSeq, alices.ReadSeq, alices.Unread));
        var bobs = Assert.Single(await _store.ConversationsAsync("bob"), s => s.Peer is null);
        Assert.Equal((100L, 100L, 0L), (bobs.LastSeq, bobs.ReadSeq, bobs.Unread));
    }

    [Fact]
    public async Task Unread_counts_others_messages_after_the_read_position()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.AppendAsync(RoomMessage("bob", "1"));
        await _store.AppendAsync(RoomMessage("alice", "2"));
        await _store.AppendAsync(RoomMessage("bob", "3"));
        await _store.AppendAsync(Direct("bob", "alice", "psst"));

        var states = await _store.ConversationsAsync("alice");
        var lobby = Assert.Single(states, s => s.Peer is null);
        Assert.Equal((ConversationKey.ForRoom("lobby"), 3L, 0L, 2L), (lobby.Conversation, lobby.LastSeq, lobby.ReadSeq, lobby.Unread));
        var direct = Assert.Single(states, s => s.Peer is not null);
        Assert.Equal(("bob", 1L, 1L), (direct.Peer, direct.LastSeq, direct.Unread));

        await _store.SetReadAsync("alice", ConversationKey.ForRoom("lobby"), 1);
        await _store.SetReadAsync("alice", ConversationKey.ForRoom("lobby"), 0);
        lobby = Assert.Single(await _store.ConversationsAsync("alice"), s => s.Peer is null);
        Assert.Equal((1L, 1L), (lobby.ReadSeq, lobby.Unread));

        // A position past the last message stops at it, so later messages still count as unread.
        await _store.SetReadAsync("alice", ConversationKey.ForRoom("lobby"), 1000);
        await _store.AppendAsync(RoomMessage("bob", "4"));
        lobby = Assert.Single(await _store.ConversationsAsync("alice"), s => s.Peer is null);
        Assert.Equal((3L, 1L), (lobby.ReadSeq, lobby.Unread));

        var bobsView = Assert.Single(await _store.ConversationsAsync("bob"), s => s.Peer is not null);
        Assert.Equal(("alice", 0L), (bobsView.Peer, bobsView.Unread));
    }

    [Fact]
    public async Task Each_conversation_gives_the_time_of_its_latest_message()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        Assert.Null(Assert.Single(await _store.ConversationsAsync("alice")).LastTs);

        await _store.AppendAsync(RoomMessage("bob", "m1") with { Timestamp = T0.AddMinutes(1) });
        // Queued together, as under load: they may share a commit (one packed row in SQLite),
        // and the latest is the last of them, not the first.
        await Task.WhenAll(Enumerable.Range(2, 20)
            .Select(i => _store.AppendAsync(RoomMessage("bob", $"m{i}") with { Timestamp = T0.AddMinutes(i) })));
        await _store.AppendAsync(Direct("bob", "alice", "psst") with { Timestamp = T0.AddSeconds(90.5) });

        for (var pass = 0; pass < 2; pass++)
        {
            var states = await _store.ConversationsAsync("alice");
            Assert.Equal(T0.AddMinutes(21), Assert.Single(states, s => s.Peer is null).LastTs);
            Assert.Equal(T0.AddSeconds(90.5), Assert.Single(states, s => s.Peer is not null).LastTs);
            Assert.Equal(T0.AddSeconds(90.5), Assert.Single(await _store.ConversationsAsync("bob"), s => s.Peer is not null).LastTs);
            await ReopenAsync();
        }
    }

    [Fact]
    public async Task Unread_is_exact_within_the_window_and_counts_everything_beyond_it()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        // 150 messages: every fifth one is alice's. Within the first 100, her 20 are left out;
        // the 50 after them all count, her 10 among them included.
        for (var i = 1; i <= 150; i++)
            await _store.AppendAsync(RoomMessage(i % 5 == 0 ? "alice" : "bob", $"m{i}"));

        var lobby = Assert.Single(await _store.ConversationsAsync("alice"), s => s.Peer is null);
        Assert.Equal(80L + 50L, lobby.Unread);

        await _store.SetReadAsync("alice", ConversationKey.ForRoom("lobby"), 60);
        lobby = Assert.Single(await _store.ConversationsAsync("alice"), s => s.Peer is null);
        Assert.Equal(90L - 18L, lobby.Unread);
    }

    [Fact]
    public async Task Marking_read_by_time_moves_to_the_last_message_at_or_before_it_and_never_back()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        var lobby = ConversationKey.ForRoom("lobby");
        Assert.Equal(ReadMark.None, await _store.ReadMarkAsync("alice", lobby));
        // Queued together, as under load: SQLite may pack them in one row.
        await Task.WhenAll(Enumerable.Range(1, 10)
            .Select(i => _store.AppendAsync(RoomMessage("bob", $"m{i}") with { Timestamp = T0.AddMinutes(i) })));

        // A time between two messages: read up to the earlier one, and the time is the one marked.
        Assert.Equal(new ReadMark(4, T0.AddMinutes(4.5)), await _store.MarkReadAtAsync("alice", lobby, T0.AddMinutes(4.5)));
        var state = Assert.Single(await _store.ConversationsAsync("alice"));
        Assert.Equal((4L, 6L), (state.ReadSeq, state.Unread));
        // Earlier: nothing moves, and the answer is where the user stands.
        Assert.Equal(new ReadMark(4, T0.AddMinutes(4.5)), await _store.MarkReadAtAsync("alice", lobby, T0.AddMinutes(2)));
        // A read position set by seq further on: its message's time wins over the time marked.
        await _store.SetReadAsync("alice", lobby, 7);
        Assert.Equal(new ReadMark(7, T0.AddMinutes(7)), await _store.ReadMarkAsync("alice", lobby));
        // Before any message: the time alone is kept.
        Assert.Equal(new ReadMark(0, T0.AddMinutes(-5)), await _store.MarkReadAtAsync("bob", lobby, T0.AddMinutes(-5)));
        // Past the last message: read to the end.
        Assert.Equal(new ReadMark(10, T0.AddHours(1)), await _store.MarkReadAtAsync("alice", lobby, T0.AddHours(1)));

        await ReopenAsync();
        Assert.Equal(new ReadMark(10, T0.AddHours(1)), await _store.ReadMarkAsync("alice", lobby));
        Assert.Equal(new ReadMark(0, T0.AddMinutes(-5)), await _store.ReadMarkAsync("bob", lobby));
    }

    [Fact]
    public async Task A_read_mark_gives_the_time_of_the_message_read_and_a_new_member_has_one()
    {
        await AddUser("alice");
        await AddUser("bob");
        await _store.AddMemberAsync("lobby", "alice");
        await _store.AppendAsync(RoomMessage("alice", "one") with { Timestamp = T0.AddSeconds(1.25) });
        await _store.AppendAsync(RoomMessage("alice", "two") with { Timestamp = T0.AddSeconds(2.5) });
        await _store.AddMemberAsync("lobby", "bob");
        Assert.Equal(new ReadMark(2, T0.AddSeconds(2.5)), await _store.ReadMarkAsync("bob", ConversationKey.ForRoom("lobby")));

        var direct = ConversationKey.ForDirect("alice", "bob");
        await _store.AppendAsync(Direct("alice", "bob", "psst") with { Timestamp = T0.AddSeconds(3) });
        Assert.Equal(ReadMark.None, await _store.ReadMarkAsync("bob", direct));
        Assert.Equal(new ReadMark(1, T0.AddSeconds(4)), await _store.MarkReadAtAsync("bob", direct, T0.AddSeconds(4)));
    }
}
