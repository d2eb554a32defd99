using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>
/// The tables, and the steps that bring a database written by an earlier Parley up to them.
/// <c>PRAGMA user_version</c> holds the version a database was last brought to.
/// </summary>
internal static class Schema
{
    /// <summary>
    /// 1: messages are a rowid table (rows appended in commit order) with a unique index on
    /// (conv, seq). Version 0 kept them in a WITHOUT ROWID table keyed by (conv, seq), which put
    /// every conversation's newest rows on a page of their own: a commit of messages to 1,000 rooms
    /// rewrote about 1,000 pages of whole rows, and split them as they filled.
    /// 2: a row may hold several messages of its conversation, those one commit stored: then
    /// <c>seq</c> and the other columns are its first message's, <c>last_seq</c> is its last one's,
    /// and <c>packed</c> holds them all (<see cref="PackedMessages"/>). Rows written before have
    /// neither, and are one message each, as are rows of one message still.
    /// 3: rooms have a <c>moderation</c> column (roles, settings, bans as JSON, <see cref="Core.Storage.ModerationJson"/>); null until first changed.
    /// 4: reads have a <c>ts</c> column (Unix ms): the last time the user marked read by time (IRC's
    /// read-marker); null until first marked so.
    /// 5: messages have a <c>system</c> column, 1 for a room's system line (who changed what,
    /// <see cref="Core.Model.NewMessage.IsSystem"/>), null otherwise; packed rows say it in their layout 2.
    /// 6: users have a <c>state</c> column (<see cref="Core.Model.AccountState"/>: 0 active, 1 disabled, 2 deleted).
    /// 7: people: <c>profiles</c> (display name, status) and <c>blocks</c>, tables of their own (<see cref="PeopleTables"/>).
    /// 8: <c>message_extras</c> (<see cref="ExtrasTable"/>): what some messages carry beyond their
    /// row (a reply, mentions) and what was done to them since (edits, recall, reactions); and
    /// search: <c>message_search</c>, a full-text index of every message, and <c>search_convs</c>,
    /// each conversation's number in it (<see cref="SearchTables"/>, <see cref="SearchIndexStatements"/>);
    /// an older database's messages are indexed during the upgrade.
    /// 9: files: <c>message_extras</c> has an <c>attachments</c> column (<see cref="Core.Storage.StoredAttachments"/>),
    /// and <c>files</c> (<see cref="FilesTable"/>) holds every upload, sent or not.
    /// 10: tokens have a <c>last_used</c> column (Unix ms; tokens saved before count as used at the
    /// upgrade, so their idle clock starts then and one never used again expires) and an index by user, and <c>invitations</c> (<see cref="InvitationsTable"/>) holds the
    /// operator's invitation codes, by hash.
    /// </summary>
    public const int Version = 10;

    /// <summary>Creates what is missing, migrating a version 0 database first; one transaction. <paramref name="now"/>: when the upgrade happens.</summary>
    public static void Apply(SqliteConnection connection, DateTimeOffset now)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version"));
        if (version > Version)
            throw new InvalidOperationException($"the database was written by a newer Parley (schema version {version}; this one knows up to {Version})");
        using var transaction = connection.BeginTransaction();
        if (version < 2 && Scalar(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'") is not null)
        {
            // Version 0 is copied into today's table at once; version 1 only lacks two columns.
            Execute(connection, version == 0 ? MessagesToRowid : PackedColumns);
        }
        Execute(connection, Create);
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('rooms') WHERE name = 'moderation'") is null)
            Execute(connection, "ALTER TABLE rooms ADD COLUMN moderation TEXT");
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('reads') WHERE name = 'ts'") is null)
            Execute(connection, "ALTER TABLE reads ADD COLUMN ts INTEGER");
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('messages') WHERE name = 'system'") is null)
            Execute(connection, "ALTER TABLE messages ADD COLUMN system INTEGER");
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('users') WHERE name = 'state'") is null)
            Execute(connection, "ALTER TABLE users ADD COLUMN state INTEGER NOT NULL DEFAULT 0");
        Execute(connection, PeopleTables);
        Execute(connection, ExtrasTable);
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('message_extras') WHERE name = 'attachments'") is null)
            Execute(connection, "ALTER TABLE message_extras ADD COLUMN attachments TEXT");
        Execute(connection, FilesTable);
        if (Scalar(connection, "SELECT 1 FROM sqlite_master WHERE name = 'message_search'") is null)
        {
            Execute(connection, SearchTables);
            IndexAllMessages(connection);
        }
        if (Scalar(connection, "SELECT 1 FROM pragma_table_info('tokens') WHERE name = 'last_used'") is null)
        {
            Execute(connection, "ALTER TABLE tokens ADD COLUMN last_used INTEGER");
            Execute(connection, $"UPDATE tokens SET last_used = {now.ToUnixTimeMilliseconds()}");
        }
        // A sign-in deletes its user's expired tokens, and revoking deletes them all: by user, not by scanning every token.
        Execute(connection, "CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_key)");
        Execute(connection, InvitationsTable);
        Execute(connection, $"PRAGMA user_version = {Version}");
        transaction.Commit();
    }

    /// <summary>The messages table as it is now: made by <see cref="Create"/>, and by the migration from version 0.</summary>
    private const string MessagesTable = """
        CREATE TABLE IF NOT EXISTS messages (
            conv TEXT NOT NULL,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            ts INTEGER NOT NULL,
            sender TEXT NOT NULL,
            room TEXT,
            recipient TEXT,
            text TEXT NOT NULL,
            last_seq INTEGER,
            packed BLOB,
            system INTEGER
        );
        """;

    // Version 0's rows are one message each: last_seq and packed stay null.
    private const string MessagesToRowid = """
        ALTER TABLE messages RENAME TO messages_v0;
        """ + "\n" + MessagesTable + "\n" + """
        INSERT INTO messages (conv, seq, id, ts, sender, room, recipient, text)
            SELECT conv, seq, id, ts, sender, room, recipient, text FROM messages_v0 ORDER BY conv, seq;
        DROP TABLE messages_v0;
        """;

    private const string PackedColumns = """
        ALTER TABLE messages ADD COLUMN last_seq INTEGER;
        ALTER TABLE messages ADD COLUMN packed BLOB;
        """;

    /// <summary>
    /// Version 10's invitation codes (<see cref="Core.Storage.Invitation"/>): <c>code_hash</c> is the
    /// code's SHA-256, <c>uses</c> how many registrations it still admits, <c>expires</c> Unix ms or null.
    /// </summary>
    private const string InvitationsTable = """
        CREATE TABLE IF NOT EXISTS invitations (
            code_hash TEXT PRIMARY KEY,
            uses INTEGER NOT NULL,
            expires INTEGER,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    private const string Create = """
        CREATE TABLE IF NOT EXISTS users (
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tokens (
            hash TEXT PRIMARY KEY,
            user_key TEXT NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS rooms (
            key TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            topic TEXT NOT NULL,
            created INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS members (
            room_key TEXT NOT NULL,
            user_key TEXT NOT NULL,
            PRIMARY KEY (room_key, user_key)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS members_by_user ON members (user_key, room_key);
        """ + "\n" + MessagesTable + "\n" + """
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_conv ON messages (conv, seq);
        CREATE TABLE IF NOT EXISTS conversations (
            conv TEXT PRIMARY KEY,
            last_seq INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS directs (
            user_key TEXT NOT NULL,
            conv TEXT NOT NULL,
            peer TEXT NOT NULL,
            PRIMARY KEY (user_key, conv)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS reads (
            user_key TEXT NOT NULL,
            conv TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (user_key, conv)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// Version 5's tables, created if missing whatever the version (a step of its own, so it merges
    /// beside other steps). Profiles and blocks are tables beside <c>users</c>, not columns of it: a
    /// user without either has no row, and the users table (read at every login) stays narrow.
    /// </summary>
    private const string PeopleTables = """
        CREATE TABLE IF NOT EXISTS profiles (
            user_key TEXT PRIMARY KEY,
            display TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS blocks (
            user_key TEXT NOT NULL,
            blocked_key TEXT NOT NULL,
            PRIMARY KEY (user_key, blocked_key)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// A row for a message only when it has something beyond its messages row: most have none, so
    /// a send writes nothing more, and a packed row (several messages in one blob) stays as it was
    /// written when one of them is reacted to. <c>mentions</c> is the names separated by spaces,
    /// <c>*</c> first for <c>@all</c>; <c>reactions</c> is <see cref="Core.Storage.StoredReactions"/>'s
    /// form; <c>rev</c> is the message's last change number, indexed to catch up with changes;
    /// <c>sender</c> the sender's key, for a mention count that leaves out one's own <c>@all</c>.
    /// </summary>
    private const string ExtrasTable = """
        CREATE TABLE IF NOT EXISTS message_extras (
            conv TEXT NOT NULL,
            seq INTEGER NOT NULL,
            sender TEXT,
            reply_to INTEGER,
            mentions TEXT,
            rev INTEGER,
            edited INTEGER,
            recalled_by TEXT,
            reactions TEXT,
            attachments TEXT,
            PRIMARY KEY (conv, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS message_extras_by_rev ON message_extras (conv, rev) WHERE rev IS NOT NULL;
        """;

    /// <summary>
    /// Version 9's uploads (<see cref="Core.Model.StoredFile"/>): <c>hash</c> and <c>thumb</c> name
    /// blobs, indexed to tell whether a blob is still wanted; <c>conv</c> is null until sent, and
    /// the uploads never sent are found by time to be forgotten.
    /// </summary>
    private const string FilesTable = """
        CREATE TABLE IF NOT EXISTS files (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL,
            thumb TEXT,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            type TEXT NOT NULL,
            width INTEGER,
            height INTEGER,
            owner TEXT NOT NULL,
            created INTEGER NOT NULL,
            conv TEXT
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS files_by_hash ON files (hash);
        CREATE INDEX IF NOT EXISTS files_by_thumb ON files (thumb) WHERE thumb IS NOT NULL;
        CREATE INDEX IF NOT EXISTS files_by_conv ON files (conv) WHERE conv IS NOT NULL;
        CREATE INDEX IF NOT EXISTS files_unsent ON files (created) WHERE conv IS NULL;
        """;

    /// <summary>
    /// Version 8's search index, created if missing whatever the version (a step of its own, as
    /// <see cref="PeopleTables"/>). Trigram entries find any substring of 3 characters or more,
    /// in any script, case-insensitively (the tokenizer folds case; diacritics are kept). The
    /// table keeps no copy of the text (<c>content=''</c>), only each entry's time
    /// (<c>contentless_unindexed</c>), which orders hits across conversations; secure-delete
    /// makes a deleted entry leave the index itself, not only be masked (SQLite 3.44+ for that,
    /// 3.48+ for the stored time; Microsoft.Data.Sqlite 11 bundles 3.53).
    /// </summary>
    private const string SearchTables = """
        CREATE TABLE IF NOT EXISTS search_convs (
            num INTEGER PRIMARY KEY,
            conv TEXT NOT NULL UNIQUE
        );
        CREATE VIRTUAL TABLE message_search USING fts5(
            text, ts UNINDEXED,
            tokenize = 'trigram', content = '', contentless_delete = 1, contentless_unindexed = 1
        );
        INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
        CREATE TABLE IF NOT EXISTS search_state (indexed_rowid INTEGER NOT NULL);
        INSERT INTO search_state (indexed_rowid) VALUES (0);
        """;

    /// <summary>An older database's messages, each into the index (in the upgrade's transaction): about a minute per million messages.</summary>
    private static void IndexAllMessages(SqliteConnection connection)
    {
        if (Scalar(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'") is null)
            return;
        using var index = new SearchIndexStatements(connection);
        using var command = SqliteChatStore.Query(connection, "SELECT id, seq, ts, sender, room, recipient, text, packed, system, conv FROM messages");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            foreach (var message in SqliteChatStore.RowMessages(reader, reader.GetString(9)))
                index.Add(message);
        }
        // Rows after these are new: the background indexer's (SqliteChatStore.SearchBacklog).
        Execute(connection, "UPDATE search_state SET indexed_rowid = coalesce((SELECT max(rowid) FROM messages), 0)");
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = SqliteChatStore.Query(connection, sql);
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql) => SqliteChatStore.Execute(connection, sql);
}
