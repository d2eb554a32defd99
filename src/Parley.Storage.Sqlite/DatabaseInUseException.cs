namespace Parley.Storage.Sqlite;

/// <summary>Another process has the database open as its store (see <see cref="DatabaseLock"/>).</summary>
public sealed class DatabaseInUseException(string databasePath, int? holderPid)
    : IOException($"{databasePath} is in use by another process{(holderPid is { } pid ? $" (pid {pid})" : "")}")
{
    public string DatabasePath { get; } = databasePath;

    /// <summary>The process that holds it, when its lock file says.</summary>
    public int? HolderPid { get; } = holderPid;
}
