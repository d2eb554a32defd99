using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Storage;

/// <summary>How the SQLite store opens databases written by other versions of Parley.</summary>
public sealed class SqliteSchemaTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = TempDirectory.Create();

    private string DatabasePath => Path.Combine(_directory, "parley.db");

    public void Dispose() => TempDirectory.Delete(_directory);

    // The messages table as Parley wrote it before schema version 1 (user_version 0).
    private const string VersionZeroMessages = """
        CREATE TABLE messages (
            conv TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL,
            sender TEXT NOT NULL, room TEXT, recipient TEXT, text TEXT NOT NULL,
            PRIMARY KEY (conv, seq)
        ) WITHOUT ROWID;
        CREATE TABLE conversations (conv TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
        """;

    private void WriteDatabase(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? ReadScalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteChatStore NewStore() => new(new SqliteStoreOptions { Path = DatabasePath });

    [Fact]
    public async Task A_version_zero_database_keeps_its_history_and_numbering_after_the_upgrade()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        var direct = ConversationKey.ForDirect("alice", "bob");
        WriteDatabase(VersionZeroMessages + $"""
            INSERT INTO messages VALUES ('{lobby}', 1, 'm1', 1000, 'alice', 'lobby', NULL, 'first');
            INSERT INTO messages VALUES ('{lobby}', 2, 'm2', 2000, 'bob', 'lobby', NULL, 'second');
            INSERT INTO messages VALUES ('{direct}', 1, 'd1', 1500, 'alice', NULL, 'bob', 'psst');
            INSERT INTO conversations VALUES ('{lobby}', 2), ('{direct}', 1);
            """);

        await using (var store = NewStore())
        {
            await store.InitializeAsync("lobby", T0);
            var third = await store.AppendAsync(new NewMessage("m3", lobby, T0, "carol", "lobby", null, "third"));
            Assert.Equal(3, third.Seq);

            var page = await store.HistoryAsync(lobby, null, 10);
            Assert.Equal(["third", "second", "first"], page.Messages.Select(m => m.Text));
            Assert.Equal([3L, 2L, 1L], page.Messages.Select(m => m.Seq));
            var psst = (await store.HistoryAsync(direct, null, 10)).Messages.Single();
            Assert.Equal(("d1", "alice", (string?)null, "bob", 1500L), (psst.Id, psst.From, psst.Room, psst.To, psst.Timestamp.ToUnixTimeMilliseconds()));
        }

        Assert.Equal((long)Schema.Version, ReadScalar("PRAGMA user_version"));
        var table = (string)ReadScalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'")!;
        Assert.DoesNotContain("WITHOUT ROWID", table, StringComparison.OrdinalIgnoreCase);
        Assert.Null(ReadScalar("SELECT 1 FROM sqlite_master WHERE name = 'messages_v0'"));

        // Opened again, the upgraded database is left as it is and still numbers on.
        await using (var again = NewStore())
        {
            await again.InitializeAsync("lobby", T0);
            var fourth = await again.AppendAsync(new NewMessage("m4", lobby, T0, "alice", "lobby", null, "fourth"));
            Assert.Equal(4, fourth.Seq);
            Assert.Equal(4, (await again.HistoryAsync(lobby, null, 10)).Messages.Count);
        }
    }

    [Fact]
    public async Task A_version_one_database_keeps_its_rows_and_packs_what_comes_after()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        WriteDatabase($"""
            CREATE TABLE messages (
                conv TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, ts INTEGER NOT NULL,
                sender TEXT NOT NULL, room TEXT, recipient TEXT, text TEXT NOT NULL
            );
            CREATE UNIQUE INDEX messages_by_conv ON messages (conv, seq);
            CREATE TABLE conversations (conv TEXT PRIMARY KEY, last_seq INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO messages VALUES ('{lobby}', 1, 'm1', 1000, 'alice', 'lobby', NULL, 'first');
            INSERT INTO messages VALUES ('{lobby}', 2, 'm2', 2000, 'bob', 'lobby', NULL, 'second');
            INSERT INTO conversations VALUES ('{lobby}', 2);
            PRAGMA user_version = 1;
            """);

        await using (var store = NewStore())
        {
            await store.InitializeAsync("lobby", T0);
            var later = await Task.WhenAll(Enumerable.Range(3, 40).Select(i =>
                store.AppendAsync(new NewMessage($"m{i}", lobby, T0, "carol", "lobby", null, $"text {i}"))));
            Assert.Equal(Enumerable.Range(3, 40).Select(i => (long)i), later.Select(m => m.Seq));
            var page = await store.HistoryAsync(lobby, 4, 10);
            Assert.Equal(["text 3", "second", "first"], page.Messages.Select(m => m.Text));
            Assert.Equal(42, (await store.HistoryAsync(lobby, null, 100)).Messages.Count);
        }

        Assert.Equal((long)Schema.Version, ReadScalar("PRAGMA user_version"));
        Assert.Equal(2L, ReadScalar("SELECT count(*) FROM messages WHERE packed IS NULL AND seq <= 2"));
    }

    [Fact]
    public async Task A_version_seven_database_has_its_messages_indexed_for_search_single_and_packed_by_the_upgrade()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        var direct = ConversationKey.ForDirect("alice", "bob");
        await using (var store = NewStore())
        {
            await store.InitializeAsync("lobby", T0);
            await store.AppendAsync(new NewMessage("a", lobby, T0, "alice", "lobby", null, "alone 你好世界"));
            await Task.WhenAll(Enumerable.Range(1, 30).Select(i =>
                store.AppendAsync(new NewMessage($"p{i}", lobby, T0.AddSeconds(i), "bob", "lobby", null, $"packed {i} 你好世界"))));
            await store.AppendAsync(new NewMessage("d", direct, T0, "alice", null, "bob", "direct 你好世界"));
            await store.AppendAsync(new NewMessage("s", lobby, T0, "alice", "lobby", null, "system 你好世界") { IsSystem = true });
        }
        Assert.True((long)ReadScalar("SELECT count(*) FROM messages WHERE packed IS NOT NULL")! > 0);
        // As version 7 left it: no search tables.
        // (SQLite 3.53 leaves the contentless_unindexed table behind when the FTS5 table is dropped.)
        WriteDatabase("""
            DROP TABLE message_search; DROP TABLE search_convs;
            DROP TABLE IF EXISTS message_search_content; DROP TABLE IF EXISTS message_search_docsize;
            PRAGMA user_version = 7;
            """);
        Assert.Null(ReadScalar("SELECT name FROM sqlite_master WHERE name LIKE 'message_search%'"));

        await using (var upgraded = NewStore())
        {
            await upgraded.InitializeAsync("lobby", T0);
            var hits = await upgraded.SearchAsync([lobby, direct], "你好世界", null, 100);
            Assert.Equal(32, hits.Messages.Count);
            Assert.Equal("packed 30 你好世界", hits.Messages[0].Text);
            Assert.Contains(hits.Messages, m => m.Text == "alone 你好世界");
            Assert.Contains(hits.Messages, m => m.Text == "direct 你好世界");
            Assert.DoesNotContain(hits.Messages, m => m.IsSystem);
        }
        Assert.Equal((long)Schema.Version, ReadScalar("PRAGMA user_version"));
    }

    [Fact]
    public async Task The_upgraded_index_still_refuses_a_second_message_with_the_same_seq()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        WriteDatabase(VersionZeroMessages + $"INSERT INTO messages VALUES ('{lobby}', 1, 'm1', 1000, 'alice', 'lobby', NULL, 'first');");
        await using (var store = NewStore())
            await store.InitializeAsync("lobby", T0);

        var duplicate = Assert.Throws<SqliteException>(() =>
            WriteDatabase($"INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text) VALUES ('{lobby}', 1, 'x', 0, 'mallory', 'lobby', NULL, 'again')"));
        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    [Fact]
    public async Task A_version_four_database_gains_profiles_and_blocks_and_its_users_are_in_the_directory()
    {
        // What version 4 had of people: users, and their direct conversations.
        WriteDatabase("""
            CREATE TABLE users (key TEXT PRIMARY KEY, name TEXT NOT NULL, password_hash TEXT NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO users VALUES ('alice', 'Alice', 'h1', 1000), ('bob', 'bob', 'h2', 1000);
            PRAGMA user_version = 4;
            """);

        await using (var store = NewStore())
        {
            await store.InitializeAsync("lobby", T0);
            Assert.Equal(["Alice", "bob"], (await store.SearchUsersAsync("", null, 10)).Select(p => p.User));
            Assert.Equal(new Profile("Alice", null, null), await store.FindProfileAsync("alice"));
            await store.SetProfileAsync("alice", "Alice A.", "here");
            await store.SetBlockedAsync("alice", "bob", true);
        }

        Assert.Equal((long)Schema.Version, ReadScalar("PRAGMA user_version"));
        await using (var again = NewStore())
        {
            await again.InitializeAsync("lobby", T0);
            Assert.Equal(new Profile("Alice", "Alice A.", "here"), await again.FindProfileAsync("alice"));
            Assert.Equal(["bob"], await again.BlockedAsync("alice"));
        }
    }

    [Fact]
    public async Task A_version_nine_databases_tokens_count_as_used_at_the_upgrade_and_expire_if_unused_and_invitations_can_be_kept()
    {
        // What version 9 had of sign-in: users, and tokens without a last use.
        WriteDatabase("""
            CREATE TABLE users (key TEXT PRIMARY KEY, name TEXT NOT NULL, password_hash TEXT NOT NULL, created INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
            CREATE TABLE tokens (hash TEXT PRIMARY KEY, user_key TEXT NOT NULL, created INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO users VALUES ('alice', 'Alice', 'h1', 1000, 0);
            INSERT INTO tokens VALUES ('old', 'alice', 1000);
            PRAGMA user_version = 9;
            """);

        await using var store = NewStore();
        await store.InitializeAsync("lobby", T0);
        Assert.Equal(new Parley.Core.Storage.TokenUse("Alice", T0), await store.FindTokenAsync("old"));
        // Unused for the idle lifetime after the upgrade, it has expired, as a token saved since would.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0 + TimeSpan.FromDays(30));
        var tokens = new Parley.Core.Hub.SessionTokens(store, clock, new Parley.Core.Policy.ChatLimits { TokenIdleLifetime = TimeSpan.FromDays(30) });
        var (user, expired, _) = await tokens.UseAsync("old");
        Assert.Null(user);
        Assert.True(expired);
        Assert.Null(await store.FindTokenAsync("old"));
        await store.SaveInvitationAsync(new Parley.Core.Storage.Invitation("i", 1, null, T0));
        Assert.True(await store.TryUseInvitationAsync("i", T0));
        Assert.Equal((long)Schema.Version, ReadScalar("PRAGMA user_version"));
        Assert.Equal("tokens_by_user", ReadScalar("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens'"));
    }

    [Fact]
    public async Task A_database_from_a_newer_parley_is_refused_and_left_untouched()
    {
        WriteDatabase("CREATE TABLE future (x); PRAGMA user_version = 99;");

        var store = NewStore();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync("lobby", T0));
        Assert.Contains("schema version 99", refused.Message);
        await store.DisposeAsync();

        Assert.Equal(99L, ReadScalar("PRAGMA user_version"));
        Assert.Null(ReadScalar("SELECT 1 FROM sqlite_master WHERE name = 'messages'"));
    }
}
