using Microsoft.Data.Sqlite;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Copies of a Parley database, for <c>parley admin backup</c> and <c>restore</c>. A backup is
/// taken with SQLite's online backup API in one step: one read transaction, so the copy is the
/// database as of one commit, while a running server goes on writing (WAL lets a reader and the
/// writer run side by side). It takes no <see cref="DatabaseLock"/>: that lock is the server's.
/// A restore replaces the database, so it holds that lock for its whole length, and is refused
/// while a server (or another restore) has it.
/// </summary>
public static class SqliteBackup
{
    /// <summary>
    /// Copies the database at <paramref name="databasePath"/> to <paramref name="toFile"/>, a
    /// standalone database file (no WAL). Written beside it first and renamed once complete and
    /// checked, so a failed backup never leaves a partial file under that name.
    /// </summary>
    /// <exception cref="FileNotFoundException">there is no database there.</exception>
    public static void Backup(string databasePath, string toFile)
    {
        if (!File.Exists(databasePath))
            throw new FileNotFoundException($"there is no database at {databasePath}", databasePath);
        var partial = toFile + ".partial";
        File.Delete(partial);
        try
        {
            using (var source = Open(databasePath))
            using (var target = Open(partial))
            {
                source.BackupDatabase(target);
                Check(target, partial);
            }
            File.Move(partial, toFile, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Replaces the database at <paramref name="databasePath"/> with the backup <paramref name="fromFile"/>.
    /// The database it replaces, if any, is checkpointed (its WAL folded in) and kept as
    /// <c>parley.db.before-restore</c>, so a restore by mistake can be undone by another.
    /// </summary>
    /// <exception cref="DatabaseInUseException">a server has the database open.</exception>
    /// <exception cref="InvalidDataException">the backup is not a sound Parley database.</exception>
    public static void Restore(string databasePath, string fromFile)
    {
        if (!File.Exists(fromFile))
            throw new FileNotFoundException($"there is no backup at {fromFile}", fromFile);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        using var held = DatabaseLock.Acquire(Path.GetFullPath(databasePath));
        var restoring = databasePath + ".restoring";
        File.Delete(restoring);
        try
        {
            using (var source = Open(fromFile))
            {
                Check(source, fromFile);
                using var target = Open(restoring);
                source.BackupDatabase(target);
            }
            if (File.Exists(databasePath))
            {
                // Closing the last connection of a WAL database checkpoints it and removes the WAL.
                using (var current = Open(databasePath))
                    SqliteChatStore.Execute(current, "PRAGMA wal_checkpoint(TRUNCATE)");
                File.Move(databasePath, databasePath + ".before-restore", overwrite: true);
            }
            File.Delete(databasePath + "-wal");
            File.Delete(databasePath + "-shm");
            File.Move(restoring, databasePath);
        }
        finally
        {
            File.Delete(restoring);
        }
    }

    private static SqliteConnection Open(string path)
    {
        // Unpooled: the file is renamed or replaced right after, so nothing may keep it open.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Refuses a file that is damaged, not Parley's, or from a newer Parley.</summary>
    private static void Check(SqliteConnection connection, string path)
    {
        using (var check = SqliteChatStore.Query(connection, "PRAGMA quick_check"))
        {
            if (check.ExecuteScalar() as string != "ok")
                throw new InvalidDataException($"{path} is damaged (SQLite's quick_check failed)");
        }
        using (var users = SqliteChatStore.Query(connection, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'"))
        {
            if (users.ExecuteScalar() is null)
                throw new InvalidDataException($"{path} is not a Parley database");
        }
        using var version = SqliteChatStore.Query(connection, "PRAGMA user_version");
        if (Convert.ToInt32(version.ExecuteScalar()) > Schema.Version)
            throw new InvalidDataException($"{path} was written by a newer Parley (schema version {version.ExecuteScalar()})");
    }
}
