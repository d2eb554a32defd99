using Microsoft.Data.Sqlite;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Tells a write refused for want of disk space from other failures. The disk filling up is not a
/// bug and not for ever: the write is answered <c>unavailable</c> (retry later), the database is
/// as it was before the transaction, and writes succeed again once there is space.
/// </summary>
internal static class DiskFull
{
    private const int SqliteFull = 13;
    // SQLITE_IOERR_SHMSIZE: growing the -shm file (one more 32-KiB region per 4,096 WAL pages) failed.
    private const int SqliteIoErrShmSize = 10 | (19 << 8);

    // The primary code is the low byte, whether or not the code given is an extended one.
    public static bool Is(Exception ex) =>
        ex is SqliteException sqlite && ((sqlite.SqliteErrorCode & 0xff) == SqliteFull || sqlite.SqliteExtendedErrorCode == SqliteIoErrShmSize);

    /// <summary>What the writes of a batch refused for want of space fail with.</summary>
    public static StoreUnavailableException Refusal(Exception ex) =>
        new("the disk of the data directory is full (SQLite: database or disk is full): nothing was written; free space there and writes resume by themselves", ex);
}
