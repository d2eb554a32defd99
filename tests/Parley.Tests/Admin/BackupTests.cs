using System.Collections.Concurrent;
using Parley.Core.Model;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Admin;

/// <summary>`parley admin backup` while a `parley serve` process writes, and `restore` from it.</summary>
public sealed class BackupTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create();
    private readonly string _restored = TempDirectory.Create();
    private string Backup => Path.Combine(_restored, "..", Path.GetFileName(_restored) + ".backup.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        File.Delete(Backup);
        TempDirectory.Delete(_data);
        TempDirectory.Delete(_restored);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_backup_taken_under_write_load_restores_every_message_acknowledged_before_it()
    {
        var acknowledged = new ConcurrentDictionary<string, bool>();
        HashSet<string> before;
        await using (var server = await ServerProcess.StartAsync(_data))
        {
            var writers = new List<LineClient>();
            for (var i = 0; i < 4; i++)
            {
                var client = await server.ConnectAsync();
                await client.OkAsync("register", new { user = $"writer{i}", password = "password1" });
                writers.Add(client);
            }
            using var stop = new CancellationTokenSource();
            var load = writers.Select(async (client, i) =>
            {
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var sent = await client.OkAsync("send", new { room = "lobby", text = $"writer{i} message {n}" });
                    acknowledged[sent.GetProperty("message").GetProperty("id").GetString()!] = true;
                }
            }).ToList();
            await Until.TrueAsync(() => acknowledged.Count >= 400, "400 messages acknowledged");

            // Every message acknowledged before the backup starts must be in it; the load goes on during it.
            before = acknowledged.Keys.ToHashSet();
            var backup = await AdminRun.RunAsync("backup", "--data", _data, "--to", Backup);
            stop.Cancel();
            await Task.WhenAll(load);
            foreach (var writer in writers)
                await writer.DisposeAsync();
            Assert.True(backup.Exit == 0, backup.Error);
            Assert.Equal($"backed up {Path.Combine(_data, "parley.db")} to {Path.GetFullPath(Backup)}\n", backup.Output);
            Assert.Equal(0, await server.TerminateAsync());

            var restore = await AdminRun.RunAsync("restore", "--data", _restored, "--from", Backup);
            Assert.True(restore.Exit == 0, restore.Error);
        }

        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_restored, "parley.db") });
        await using (store)
        {
            await store.InitializeAsync("lobby", DateTimeOffset.UtcNow);
            var page = await store.HistoryAsync(ConversationKey.ForRoom("lobby"), null, 1_000_000);
            var stored = page.Messages.Select(m => m.Id).ToHashSet();
            // Messages acknowledged after the backup began may or may not be in it; none before may be missing.
            Assert.DoesNotContain(before, id => !stored.Contains(id));
            // The copy is one commit's state: its messages are numbered without a gap.
            var restoredSeqs = page.Messages.Select(m => m.Seq).Order().ToList();
            Assert.Equal(Enumerable.Range(1, restoredSeqs.Count).Select(i => (long)i), restoredSeqs);
            Assert.True(stored.Count >= before.Count, $"{stored.Count} messages restored, {before.Count} acknowledged before the backup");
        }

        // The restored database serves: the writers sign in and find their history.
        await using var restoredServer = await TestServer.StartAsync(dataDirectory: _restored);
        await using var reader = await restoredServer.ConnectAsync();
        await reader.OkAsync("login", new { user = "writer0", password = "password1" });
        Assert.NotEmpty((await reader.OkAsync("history", new { room = "lobby", limit = 10 })).GetProperty("messages").EnumerateArray());
    }
}
