using Microsoft.Data.Sqlite;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Hosting;

/// <summary>
/// Going back to an older Parley: a database a newer version migrated is refused, untouched,
/// with one line saying so (README, "Upgrading"). The operator restores the backup taken before
/// the upgrade instead.
/// </summary>
public sealed class DowngradeTests
{
    [Fact]
    public async Task Serve_refuses_a_database_from_a_newer_parley_and_leaves_it_as_it_was()
    {
        var data = TempDirectory.Create();
        try
        {
            var database = Path.Combine(data, "parley.db");
            await using (var newer = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                await newer.OpenAsync();
                await using var command = newer.CreateCommand();
                command.CommandText = $"CREATE TABLE from_the_future (x INTEGER); PRAGMA user_version = {Schema.Version + 1};";
                await command.ExecuteNonQueryAsync();
            }

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(data));
            Assert.Contains("parley serve: the database was written by a newer Parley", refused.Message);
            Assert.Contains($"schema version {Schema.Version + 1}", refused.Message);

            await using var after = new SqliteConnection($"Data Source={database};Pooling=False;Mode=ReadOnly");
            await after.OpenAsync();
            await using var read = after.CreateCommand();
            read.CommandText = "PRAGMA user_version";
            Assert.Equal((long)Schema.Version + 1, (long)(await read.ExecuteScalarAsync())!);
            read.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'messages'";
            Assert.Equal(0L, (long)(await read.ExecuteScalarAsync())!);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
