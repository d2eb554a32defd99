using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>People in every store: the directory's prefix search and paging, profiles, blocks, opened direct conversations.</summary>
public abstract partial class ChatStoreContract
{
    private async Task<List<string>> SearchAsync(string prefix, string? after = null, int limit = 100) =>
        [.. (await _store.SearchUsersAsync(prefix, after, limit)).Select(p => p.User)];

    [Fact]
    public async Task The_directory_finds_users_by_key_prefix_in_key_order_and_pages_after_a_key()
    {
        foreach (var name in new[] { "bob", "Alice", "alfred", "al", "Albert-2", "carol", "alz" })
            await AddUser(name);

        Assert.Equal(["al", "Albert-2", "alfred", "Alice", "alz"], await SearchAsync("al"));
        Assert.Equal(["Alice"], await SearchAsync("alic"));
        Assert.Empty(await SearchAsync("alx"));
        Assert.Empty(await SearchAsync("zed"));
        Assert.Equal(["al", "Albert-2", "alfred", "Alice", "alz", "bob", "carol"], await SearchAsync(""));

        // Pages of two, each after the last key of the one before, and never past the prefix.
        Assert.Equal(["al", "Albert-2"], await SearchAsync("al", limit: 2));
        Assert.Equal(["alfred", "Alice"], await SearchAsync("al", after: "albert-2", limit: 2));
        Assert.Equal(["alz"], await SearchAsync("al", after: "alice", limit: 2));
        Assert.Empty(await SearchAsync("al", after: "alz", limit: 2));
        // A cursor before the prefix starts at the prefix.
        Assert.Equal(["bob"], await SearchAsync("b", after: "alz"));
        // Characters no name has (yet) find no one, and are no error.
        Assert.Empty(await SearchAsync("ä"));
        Assert.Empty(await SearchAsync("李"));
    }

    [Fact]
    public async Task The_directory_ranges_hold_for_names_beyond_ascii_should_names_widen()
    {
        // Names are ASCII today (Names.cs); the store itself takes any key, so the ranges are
        // checked here with keys as a wider rule would make them (lower-cased, any script).
        foreach (var name in new[] { "李雷", "李", "李四", "杨", "Ärger", "äb", "a", "z\uFFFF", "z\uFFFFa", "{x" })
            await AddUser(name);

        Assert.Equal(["李", "李四", "李雷"], await SearchAsync("李"));
        Assert.Equal(["李雷"], await SearchAsync("李雷"));
        Assert.Equal(["äb", "Ärger"], await SearchAsync("ä"));
        Assert.Equal(["李四"], await SearchAsync("李", after: "李", limit: 1));
        // A prefix whose last character has no next one: the range runs on and stops at the first miss.
        Assert.Equal(["z\uFFFF", "z\uFFFFa"], await SearchAsync("z\uFFFF"));
    }

    [Fact]
    public async Task Profiles_change_part_by_part_clear_with_empty_and_survive_a_reopen()
    {
        await AddUser("Alice");
        Assert.Equal(new Profile("Alice", null, null), await _store.FindProfileAsync("alice"));
        Assert.Null(await _store.FindProfileAsync("bob"));
        Assert.Null(await _store.SetProfileAsync("bob", "Bob", null));

        Assert.Equal(new Profile("Alice", "Ålice 李", null), await _store.SetProfileAsync("alice", "Ålice 李", null));
        Assert.Equal(new Profile("Alice", "Ålice 李", "out 😀"), await _store.SetProfileAsync("alice", null, "out 😀"));
        await ReopenAsync();
        Assert.Equal(new Profile("Alice", "Ålice 李", "out 😀"), await _store.FindProfileAsync("alice"));
        Assert.Equal(new Profile("Alice", "Ålice 李", "out 😀"), Assert.Single(await _store.SearchUsersAsync("a", null, 10)));

        Assert.Equal(new Profile("Alice", null, "out 😀"), await _store.SetProfileAsync("alice", "", null));
        Assert.Equal(new Profile("Alice", null, null), await _store.SetProfileAsync("alice", null, ""));
    }

    [Fact]
    public async Task Blocks_are_one_way_kept_and_undone()
    {
        await AddUser("Alice");
        await AddUser("Bob");
        await AddUser("carol");
        Assert.False(await _store.BlocksAsync("alice", "bob"));

        await _store.SetBlockedAsync("alice", "bob", true);
        await _store.SetBlockedAsync("alice", "bob", true);
        await _store.SetBlockedAsync("alice", "carol", true);
        await ReopenAsync();
        Assert.True(await _store.BlocksAsync("alice", "bob"));
        Assert.False(await _store.BlocksAsync("bob", "alice"));
        Assert.Equal(["Bob", "carol"], (await _store.BlockedAsync("alice")).Order());
        Assert.Empty(await _store.BlockedAsync("bob"));

        await _store.SetBlockedAsync("alice", "bob", false);
        await _store.SetBlockedAsync("alice", "bob", false);
        Assert.False(await _store.BlocksAsync("alice", "bob"));
        Assert.Equal(["carol"], await _store.BlockedAsync("alice"));
    }

    [Fact]
    public async Task An_opened_direct_conversation_is_listed_for_its_opener_only_until_a_message_lists_both()
    {
        await AddUser("alice");
        await AddUser("Bob");
        var conversation = ConversationKey.ForDirect("alice", "bob");
        await _store.OpenDirectAsync("alice", conversation, "Bob");
        await _store.OpenDirectAsync("alice", conversation, "Bob");
        await ReopenAsync();

        var opened = Assert.Single(await _store.ConversationsAsync("alice"));
        Assert.Equal(new ConversationState(conversation, "Bob", 0, 0, 0, null), opened);
        Assert.Empty(await _store.ConversationsAsync("bob"));

        await _store.AppendAsync(Direct("Bob", "alice", "hi"));
        Assert.Equal((1L, 1L), Assert.Single(await _store.ConversationsAsync("alice")) is var a ? (a.LastSeq, a.Unread) : default);
        Assert.Equal("alice", Assert.Single(await _store.ConversationsAsync("bob")).Peer);
    }
}
