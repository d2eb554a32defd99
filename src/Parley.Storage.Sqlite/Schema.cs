namespace Parley.Storage.Sqlite;

internal static class Schema
{
    public const string Create = """
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
        CREATE TABLE IF NOT EXISTS messages (
            conv TEXT NOT NULL,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            ts INTEGER NOT NULL,
            sender TEXT NOT NULL,
            room TEXT,
            recipient TEXT,
            text TEXT NOT NULL,
            PRIMARY KEY (conv, seq)
        ) WITHOUT ROWID;
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
}
