using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

public sealed class SqliteChatStoreTests : ChatStoreContract
{
    protected override IChatStore CreateStore(string directory) =>
        new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(directory, "parley.db") });
}

/// <summary>What only the SQLite store has: its prepared per-message statements, and how they fail.</summary>
public sealed class SqliteMessageAppendTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = TempDirectory.Create();
    private SqliteChatStore _store = null!;

    private string DatabasePath => Path.Combine(_directory, "parley.db");

    public Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath });
        return _store.InitializeAsync("lobby", T0);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private static NewMessage RoomMessage(string text) =>
        new(Guid.NewGuid().ToString("N"), ConversationKey.ForRoom("lobby"), T0, "alice", "lobby", null, text);

    [Fact]
    public async Task A_failed_insert_fails_its_batch_and_the_next_append_is_stored()
    {
        await _store.AppendAsync(RoomMessage("one"));
        // Someone else took seq 2 behind the store's back: the store's next insert collides.
        await using (var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            await other.OpenAsync();
            await using var insert = other.CreateCommand();
            insert.CommandText = "INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text) VALUES ($conv, 2, 'x', 0, 'mallory', 'lobby', NULL, 'squatter')";
            insert.Parameters.AddWithValue("$conv", ConversationKey.ForRoom("lobby"));
            await insert.ExecuteNonQueryAsync();
        }

        var failed = await Assert.ThrowsAsync<SqliteException>(() => _store.AppendAsync(RoomMessage("two")));
        Assert.Equal(19, failed.SqliteErrorCode); // SQLITE_CONSTRAINT

        var three = await _store.AppendAsync(RoomMessage("three"));
        Assert.Equal(3, three.Seq);
        var page = await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 10);
        Assert.Equal(["three", "squatter", "one"], page.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Direct_and_room_messages_keep_their_empty_columns_empty()
    {
        await _store.AppendAsync(new NewMessage("d1", ConversationKey.ForDirect("alice", "bob"), T0, "alice", null, "bob", "hi bob"));
        await _store.AppendAsync(RoomMessage("hi room"));

        var direct = (await _store.HistoryAsync(ConversationKey.ForDirect("alice", "bob"), null, 1)).Messages.Single();
        var room = (await _store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 1)).Messages.Single();
        Assert.Equal((null, "bob", "d1", 1L), (direct.Room, direct.To, direct.Id, direct.Seq));
        Assert.Equal(("lobby", (string?)null), (room.Room, room.To));
    }
    [Fact]
    public async Task Messages_one_commit_stores_share_a_row_and_read_back_one_by_one()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AddMemberAsync("lobby", "bob");
        // Queued at once, they go into few commits, so rows hold several messages; every fifth is bob's.
        var sends = Enumerable.Range(1, 500)
            .Select(i => _store.AppendAsync(new NewMessage($"m{i}", lobby, T0.AddSeconds(i), i % 5 == 0 ? "Bob" : "alice", "lobby", null, $"text {i}")))
            .ToList();
        var stored = await Task.WhenAll(sends);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), stored.Select(m => m.Seq));
        Assert.True(RowCount("packed IS NOT NULL") > 0, "no row holds several messages: the test did not reach what it tests");
        Assert.True(RowCount("1") < 500);

        // Paged back seven at a time: every message once, newest first, as it was sent.
        var seen = new List<StoredMessage>();
        long? before = null;
        while (true)
        {
            var page = await _store.HistoryAsync(lobby, before, 7);
            seen.AddRange(page.Messages);
            if (!page.More)
                break;
            before = page.Messages[^1].Seq;
        }
        Assert.Equal(stored.Reverse(), seen);

        // Read positions inside rows: bob's own messages are left out among the first 100 unread.
        foreach (var read in new long[] { 0, 1, 250, 333, 450, 499, 500 })
        {
            await _store.SetReadAsync("bob", lobby, read);
            var expected = Math.Max(0, 500 - read - 100)
                + Enumerable.Range((int)read + 1, (int)Math.Min(100, 500 - read)).Count(i => i % 5 != 0);
            var state = (await _store.ConversationsAsync("bob")).Single(c => c.Conversation == lobby);
            Assert.Equal((read, expected), (state.ReadSeq, state.Unread));
        }
    }

    [Fact]
    public async Task A_removed_messages_text_is_gone_from_the_file_whether_its_row_held_one_message_or_many()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        var stored = await Task.WhenAll(Enumerable.Range(1, 300).Select(i => _store.AppendAsync(RoomMessage($"secret-{i:D4}-{new string('x', 40)}"))));
        var alone = await _store.AppendAsync(RoomMessage("secret-alone"));
        Assert.True(RowCount("packed IS NOT NULL") > 0, "no row holds several messages: the test did not reach what it tests");
        // One inside a packed row (neither its first nor its last), one first of a row, one alone.
        var inside = RowSeq("packed IS NOT NULL AND last_seq > seq + 1") + 1;
        var first = RowSeq("packed IS NOT NULL");
        foreach (var seq in new[] { inside, first, alone.Seq })
            Assert.True(await _store.RemoveMessageAsync(lobby, seq));

        var history = (await _store.HistoryAsync(lobby, null, 400)).Messages.ToDictionary(m => m.Seq);
        Assert.Equal(301, history.Count);
        Assert.All(stored.Concat([alone]), m => Assert.Equal(m.Seq is var s && (s == inside || s == first || s == alone.Seq) ? "" : m.Text, history[m.Seq].Text));

        // Closed and checkpointed, the database is one file: the removed texts are not in it, their neighbours are.
        await _store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        var bytes = await File.ReadAllBytesAsync(DatabasePath);
        foreach (var seq in new[] { inside, first })
            Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes($"secret-{seq:D4}-")));
        Assert.Equal(-1, bytes.AsSpan().IndexOf("secret-alone"u8));
        var kept = first == 1 && inside == 2 ? 3 : first == 1 ? 2 : first - 1;
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes($"secret-{kept:D4}-")));
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath });
        await _store.InitializeAsync("lobby", T0);
    }

    private long RowSeq(string where)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq FROM messages WHERE {where} ORDER BY seq LIMIT 1";
        return (long)command.ExecuteScalar()!;
    }

    private long RowCount(string where)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM messages WHERE {where}";
        return (long)command.ExecuteScalar()!;
    }
}
