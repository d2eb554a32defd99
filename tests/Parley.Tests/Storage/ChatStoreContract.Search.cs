using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>Search (<see cref="Core.Storage.IChatStore.SearchAsync"/>): the same on every store.</summary>
public abstract partial class ChatStoreContract
{
    private static readonly string Lobby = ConversationKey.ForRoom("lobby");
    private static readonly string Dev = ConversationKey.ForRoom("dev");

    private static NewMessage At(NewMessage message, int seconds) => message with { Timestamp = T0.AddSeconds(seconds) };

    [Fact]
    public async Task Search_finds_substrings_in_any_script_case_insensitively_newest_first_in_the_given_conversations_only()
    {
        await _store.AppendAsync(At(RoomMessage("alice", "你好世界"), 1));
        await _store.AppendAsync(At(RoomMessage("bob", "Hello there, General"), 2));
        await _store.AppendAsync(At(RoomMessage("carol", "こんにちは、世界", "dev"), 3));
        await _store.AppendAsync(At(Direct("alice", "bob", "say HELLO to 你好"), 4));
        await _store.AppendAsync(At(RoomMessage("alice", "hello from the system") with { IsSystem = true }, 5));
        await _store.AppendAsync(At(RoomMessage("carol", "hello, hidden room", "hidden"), 6));
        var mine = new[] { Lobby, Dev, ConversationKey.ForDirect("alice", "bob") };

        async Task<string[]> Texts(string text, IReadOnlyCollection<string>? conversations = null) =>
            (await _store.SearchAsync(conversations ?? mine, text, null, 10)).Messages.Select(m => m.Text).ToArray();

        // Three characters or more go through SQLite's index; one or two through the scan: both agree.
        Assert.Equal(["say HELLO to 你好", "Hello there, General"], await Texts("hello"));
        Assert.Equal(["say HELLO to 你好", "Hello there, General"], await Texts("eL"));
        Assert.Equal(["say HELLO to 你好", "你好世界"], await Texts("你好"));
        Assert.Equal(["你好世界"], await Texts("你好世"));
        Assert.Equal(["こんにちは、世界", "你好世界"], await Texts("世界"));
        Assert.Equal(["こんにちは、世界"], await Texts("ちは、世"));
        Assert.Equal(["こんにちは、世界"], await Texts("世界", [Dev]));
        Assert.Equal(["Hello there, General"], await Texts("there, gen"));
        Assert.Empty(await Texts("hello there general"));
        Assert.Empty(await Texts("\"quoted\" OR x*"));
        Assert.Empty(await Texts("hello", []));

        var direct = Assert.Single((await _store.SearchAsync([ConversationKey.ForDirect("bob", "alice")], "hello", null, 10)).Messages);
        Assert.Equal(("alice", (string?)null, "bob", 1L, T0.AddSeconds(4)), (direct.From, direct.Room, direct.To, direct.Seq, direct.Timestamp));
    }

    [Fact]
    public async Task Search_pages_with_the_cursor_of_the_last_hit_through_ties_of_time_across_conversations()
    {
        // Every message at the same time in two rooms: ties are broken by conversation, then seq.
        for (var i = 1; i <= 4; i++)
        {
            await _store.AppendAsync(RoomMessage("alice", $"ping {i}"));
            await _store.AppendAsync(RoomMessage("bob", $"ping dev {i}", "dev"));
            await _store.AppendAsync(RoomMessage("bob", $"pong {i}"));
        }
        foreach (var text in new[] { "ping", "pi" })
        {
            var seen = new List<string>();
            SearchCursor? cursor = null;
            for (var pages = 0; ; pages++)
            {
                var page = await _store.SearchAsync([Lobby, Dev], text, cursor, 3);
                seen.AddRange(page.Messages.Select(m => m.Text));
                if (!page.More)
                {
                    Assert.Equal(2, pages);
                    break;
                }
                Assert.Equal(3, page.Messages.Count);
                cursor = SearchCursor.Of(page.Messages[^1]);
            }
            Assert.Equal(["ping 4", "ping 3", "ping 2", "ping 1", "ping dev 4", "ping dev 3", "ping dev 2", "ping dev 1"], seen);
        }
        var later = await _store.AppendAsync(At(RoomMessage("carol", "ping late", "dev"), 60));
        Assert.Equal(later.Id, (await _store.SearchAsync([Lobby, Dev], "ping", null, 1)).Messages.Single().Id);
    }

    [Fact]
    public async Task Search_never_finds_a_removed_message_in_single_or_packed_rows_nor_a_deleted_rooms()
    {
        // Appends that overlap are committed together (packed in one row by SQLite); one alone is a row of its own.
        await Task.WhenAll(Enumerable.Range(1, 5).Select(i => _store.AppendAsync(RoomMessage("alice", $"needle {i}"))));
        await _store.AppendAsync(RoomMessage("bob", "needle 6"));
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"])));
        await _store.AppendAsync(RoomMessage("alice", "needle in dev", "dev"));

        Assert.True(await _store.RemoveMessageAsync(Lobby, 3));
        Assert.True(await _store.RemoveMessageAsync(Lobby, 6));
        Assert.True(await _store.RemoveMessageAsync(Lobby, 6));
        await _store.DeleteRoomAsync("dev");
        await ReopenAsync();

        foreach (var text in new[] { "needle", "ne" })
        {
            var page = await _store.SearchAsync([Lobby, Dev], text, null, 10);
            Assert.Equal(["needle 5", "needle 4", "needle 2", "needle 1"], page.Messages.Select(m => m.Text));
        }
        // A new room of the deleted one's name finds only its own messages.
        Assert.True(await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"])));
        await _store.AppendAsync(RoomMessage("alice", "needle again", "dev"));
        Assert.Equal(["needle again"], (await _store.SearchAsync([Dev], "needle", null, 10)).Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_short_search_looks_at_each_conversations_newest_messages_and_a_longer_one_at_least_as_far()
    {
        await _store.AppendAsync(RoomMessage("alice", "xq old"));
        // Searching 60 conversations, each is scanned back its share of the budget, the least: 200 messages.
        var sixty = Enumerable.Range(0, 59).Select(i => ConversationKey.ForRoom($"r{i}")).Append(Lobby).ToArray();
        Assert.Equal(SearchText.ScanWindowMin, SearchText.ScanWindow(sixty.Length));
        await Task.WhenAll(Enumerable.Range(1, SearchText.ScanWindowMin).Select(i => _store.AppendAsync(RoomMessage("bob", $"filler {i}"))));
        await _store.AppendAsync(RoomMessage("alice", "xq new"));

        Assert.Equal(["xq new"], (await _store.SearchAsync(sixty, "xq", null, 10)).Messages.Select(m => m.Text));
        Assert.Equal(["xq new", "xq old"], (await _store.SearchAsync([Lobby], "xq", null, 10)).Messages.Select(m => m.Text));
        Assert.Contains("xq new", (await _store.SearchAsync(sixty, "xq ", null, 10)).Messages.Select(m => m.Text));
    }
}
