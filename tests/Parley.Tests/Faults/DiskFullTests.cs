using System.Net;
using System.Text;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Faults;

/// <summary>
/// The data directory's disk runs out, for real: a tmpfs of a few MiB mounted by the test, filled
/// to the last byte, then freed (docs/reliability.md, "Disk full"). Writes are refused with
/// <c>unavailable</c> on every wire, reads go on, nothing acknowledged is lost, nothing refused is
/// stored, and writes resume by themselves once there is space.
/// </summary>
public sealed class DiskFullTests
{
    private static SmallDisk MountOrSkip()
    {
        var disk = SmallDisk.TryMount(16, out var refusal);
        Skip.If(disk is null, $"needs a tmpfs of its own for the data directory (run as root): {refusal}");
        return disk!;
    }

    [SkippableFact]
    public async Task A_full_disk_refuses_writes_as_unavailable_on_every_wire_keeps_reads_and_recovers_when_space_returns()
    {
        using var disk = MountOrSkip();
        await using var server = await TestServer.StartAsync(dataDirectory: Path.Combine(disk.Path, "data"));
        await using var alice = await server.RegisterAsync("alice");
        await using var bob = await server.ConnectAsync();
        var bobToken = (await bob.OkAsync("register", new { user = "bob", password = "password1" })).GetProperty("token").GetString();
        await (await server.RegisterAsync("carol")).DisposeAsync();
        await using var web = await server.ConnectWebSocketAsync();
        await web.OkAsync("register", new { user = "dave", password = "password1" });
        await using var irc = await IrcClient.SignInAsync(server.IrcPort, "carol");
        await irc.SendAsync("JOIN #lobby");
        await irc.NextAsync(l => l.Contains(" 366 carol #lobby", StringComparison.Ordinal));
        await alice.OkAsync("send", new { room = "lobby", text = "before" });

        disk.Fill();

        // The WAL may have room left in pages it already holds: send until the disk says no.
        var acknowledged = new List<string>();
        var refused = new List<string>();
        var text = new string('x', 3000);
        for (var i = 0; i < 50 && refused.Count == 0; i++)
        {
            var reply = await alice.RequestAsync("send", new { room = "lobby", text = $"{i} {text}" });
            if (reply.GetProperty("type").GetString() == "ok")
                acknowledged.Add($"{i} {text}");
            else
            {
                Assert.Equal("unavailable", reply.GetProperty("code").GetString());
                refused.Add($"{i} {text}");
            }
        }
        Assert.Single(refused);
        Assert.Equal("unavailable", await alice.ErrorAsync("send", new { room = "lobby", text = "refused too" }));
        Assert.Equal("unavailable", await web.ErrorAsync("send", new { room = "lobby", text = "from the web" }));
        await irc.SendAsync("PRIVMSG #lobby :from irc");
        Assert.Contains("cannot write to it", await irc.NumericAsync("400"));
        // Sign-ins that must store something are refused; one that needs no write is not.
        await using (var again = await server.ConnectAsync())
        {
            Assert.Equal("unavailable", await again.ErrorAsync("login", new { user = "bob", password = "password1" }));
            Assert.Equal("unavailable", await again.ErrorAsync("register", new { user = "erin", password = "password1" }));
            Assert.Equal("bob", (await again.OkAsync("resume", new { token = bobToken })).GetProperty("user").GetString());
        }
        // Reads go on, and the connections that were refused are still open.
        var during = await bob.OkAsync("history", new { room = "lobby", limit = 200 });
        Assert.Equal(["before", .. acknowledged], Texts(during));
        await alice.OkAsync("ping");
        using (var http = new HttpClient())
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(server.HttpUri, "/healthz"))).StatusCode);

        disk.Free();

        var after = await alice.OkAsync("send", new { room = "lobby", text = "after" });
        await web.OkAsync("send", new { room = "lobby", text = "web after" });
        await irc.SendAsync("PRIVMSG #lobby :irc after");
        await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "irc after");
        await using (var again = await server.ConnectAsync())
            await again.OkAsync("login", new { user = "bob", password = "password1" });

        // Every acknowledged message once, in seq order; nothing refused was stored.
        var history = await bob.OkAsync("history", new { room = "lobby", limit = 200 });
        Assert.Equal(["before", .. acknowledged, "after", "web after", "irc after"], Texts(history));
        var seqs = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).Reverse().ToList();
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Distinct(), seqs);
        Assert.True(after.GetProperty("message").GetProperty("seq").GetInt64() > seqs[acknowledged.Count]);
    }

    [SkippableFact]
    public async Task An_upload_to_a_full_disk_is_refused_as_unavailable_and_keeps_nothing_then_uploads_work_again()
    {
        using var disk = MountOrSkip();
        await using var server = await TestServer.StartAsync(dataDirectory: Path.Combine(disk.Path, "data"));
        await using var alice = await server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        using var http = new FileHttp(server.HttpUri);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n" + new string('%', 200_000) + "\n%%EOF\n");

        var filesDirectory = Path.Combine(server.DataDirectory, "files");
        var kept = Directory.EnumerateFiles(filesDirectory, "*", SearchOption.AllDirectories).Order().ToList();
        disk.Fill();
        var (status, body) = await http.UploadAsync(token, pdf, "report.pdf");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(kept, Directory.EnumerateFiles(filesDirectory, "*", SearchOption.AllDirectories).Order());

        disk.Free();
        var id = await http.UploadIdAsync(token, pdf, "report.pdf");
        var sent = await alice.OkAsync("send", new { room = "lobby", text = "the report", attachments = new[] { id } });
        Assert.Equal(id, sent.GetProperty("message").GetProperty("attachments")[0].GetProperty("id").GetString());
    }

    /// <summary>
    /// Event 55 once and 56 once per episode: sends retried for well over a second while the disk is
    /// full (each queues a search-index pass, which writes nothing) do not end the episode, and
    /// refused uploads warn (57) once until one is stored. Logs read from a real server process.
    /// </summary>
    [SkippableFact]
    public async Task A_disk_full_episode_is_logged_once_however_many_writes_are_refused()
    {
        using var disk = MountOrSkip();
        var data = Directory.CreateDirectory(Path.Combine(disk.Path, "data")).FullName;
        await using var server = await ServerProcess.StartAsync(data, "--log-format", "json");
        await using var alice = await server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        using var http = new FileHttp(new Uri($"http://127.0.0.1:{server.HttpPort}"));
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n" + new string('%', 200_000) + "\n%%EOF\n");
        await alice.OkAsync("send", new { room = "lobby", text = "before" });

        disk.Fill();
        var text = new string('x', 3000);
        var refusedAt = (DateTime?)null;
        // Until the disk says no, then on for well past the index's 250 ms passes.
        for (var i = 0; i < 2000 && (refusedAt is null || DateTime.UtcNow - refusedAt < TimeSpan.FromSeconds(1.5)); i++)
        {
            var reply = await alice.RequestAsync("send", new { room = "lobby", text = $"{i} {text}" });
            if (reply.GetProperty("type").GetString() != "ok")
                refusedAt ??= DateTime.UtcNow;
            // Paced, not waited on: the refusals are spread over several index passes.
            await Task.Delay(20);
        }
        Assert.NotNull(refusedAt);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.UploadAsync(token, pdf, "report.pdf")).Status);
        await Until.TrueAsync(() => Events(server, 57) == 1, "the refused upload is logged");

        disk.Free();
        await alice.OkAsync("send", new { room = "lobby", text = "after" });
        await http.UploadIdAsync(token, pdf, "report.pdf");
        await Until.TrueAsync(() => Events(server, 56) == 1, "the server logs that writes resume");
        Assert.Equal(1, Events(server, 55));
        Assert.Equal(1, Events(server, 57));

        // A second episode is told again.
        disk.Fill();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.UploadAsync(token, pdf, "again.pdf")).Status);
        await Until.TrueAsync(() => Events(server, 57) == 2, "the second episode's refused upload is logged");
    }

    private static int Events(ServerProcess server, int id) =>
        server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{'))
            .Count(l => JsonDocument.Parse(l).RootElement.GetProperty("EventId").GetInt32() == id);

    private static List<string?> Texts(JsonElement history) =>
        history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Reverse().ToList();
}
