using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Parley.Storage.Sqlite;

/// <summary>
/// Prepared statements run through SQLite's own API on one connection, bypassing
/// <see cref="SqliteCommand"/>'s per-execution allocations (<see cref="MessageAppendStatements"/>,
/// <see cref="SearchIndexStatements"/>): preparing, binding UTF-8, stepping, and SQLite's errors
/// as <see cref="SqliteException"/>. Used on the writer's thread only.
/// </summary>
internal sealed class RawStatements(SqliteConnection connection)
{
    private byte[] _utf8 = new byte[1024];

    public sqlite3 Handle { get; } = connection.Handle!;

    public sqlite3_stmt Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(Handle, sql, out var statement));
        return statement;
    }

    /// <summary>
    /// Binds UTF-8, the database's encoding: bound as UTF-16, SQLite would translate every value
    /// itself, a byte at a time, on the writer's thread, which is what limits a send's throughput.
    /// </summary>
    public void BindText(sqlite3_stmt statement, int index, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(statement, index));
            return;
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < length)
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        var written = Encoding.UTF8.GetBytes(value, _utf8);
        // SQLite copies the bytes (SQLITE_TRANSIENT), so one buffer serves every binding.
        Check(raw.sqlite3_bind_text(statement, index, _utf8.AsSpan(0, written)));
    }

    /// <summary>Runs the statement to completion and readies it for the next binding, also when it failed.</summary>
    public void Step(sqlite3_stmt statement)
    {
        var result = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (result != raw.SQLITE_DONE)
            throw Error(result);
    }

    public void Check(int result)
    {
        if (result != raw.SQLITE_OK)
            throw Error(result);
    }

    public SqliteException Error(int result) =>
        new($"SQLite Error {result}: '{raw.sqlite3_errmsg(Handle).utf8_to_string()}'.", result, raw.sqlite3_extended_errcode(Handle));
}
