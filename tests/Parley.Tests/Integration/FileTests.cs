using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Files;
using Parley.Tests.Files;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Files end to end over real HTTP, TCP and IRC (docs/protocol.md, "Files"): upload, send, receive, download, and every refusal.</summary>
public sealed class FileTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");

    private TestServer _server = null!;
    private FileHttp _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new FileHttp(_server.HttpUri);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(LineClient Client, string Token)> RegisterAsync(string user)
    {
        var client = await _server.ConnectAsync();
        var reply = await client.OkAsync("register", new { user, password = "password1" });
        // Where a client that came by TCP uploads, and what it may.
        Assert.Equal($"http://127.0.0.1:{_server.Server.HttpEndpoint.Port}", reply.GetProperty("http").GetString());
        Assert.Equal(25L * 1024 * 1024, reply.GetProperty("limits").GetProperty("maxUploadBytes").GetInt64());
        return (client, reply.GetProperty("token").GetString()!);
    }

    private static JsonElement OnlyAttachment(JsonElement message) => Assert.Single(message.GetProperty("attachments").EnumerateArray());

    [Fact]
    public async Task A_file_uploaded_and_sent_to_a_room_reaches_members_with_a_link_that_downloads_it_as_an_attachment()
    {
        var (alice, token) = await RegisterAsync("alice");
        await using var aliceConnection = alice;
        await using var bob = await _server.RegisterAsync("bob");
        await (await _server.RegisterAsync("carol")).DisposeAsync();
        await using var irc = await IrcClient.SignInAsync(_server.IrcPort, "carol");
        await irc.SendAsync("JOIN #lobby");
        await irc.NextAsync(l => l.Contains(" 366 carol #lobby", StringComparison.Ordinal));

        var (status, uploaded) = await _http.UploadAsync(token, Pdf, "../../etc/Report:Q4.pdf");
        Assert.Equal(HttpStatusCode.Created, status);
        var file = uploaded.GetProperty("file");
        Assert.Equal(("Report_Q4.pdf", (long)Pdf.Length, "application/pdf"),
            (file.GetProperty("name").GetString(), file.GetProperty("size").GetInt64(), file.GetProperty("type").GetString()));
        Assert.False(file.TryGetProperty("thumb", out _));
        var id = file.GetProperty("id").GetString()!;

        var sent = await alice.OkAsync("send", new { room = "lobby", text = "the report", attachments = new[] { id } });
        Assert.Equal(id, OnlyAttachment(sent.GetProperty("message")).GetProperty("id").GetString());
        var received = await bob.NextAsync("message");
        Assert.Equal("the report", received.GetProperty("text").GetString());
        var attachment = OnlyAttachment(received);
        Assert.Equal((id, "Report_Q4.pdf"), (attachment.GetProperty("id").GetString(), attachment.GetProperty("name").GetString()));

        using var download = await _http.GetAsync(attachment.GetProperty("url").GetString()!);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Report_Q4.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));

        // History carries it; IRC shows the text, then the file as a line with its link.
        var history = await bob.OkAsync("history", new { room = "lobby" });
        Assert.Equal(id, OnlyAttachment(history.GetProperty("messages").EnumerateArray().Last()).GetProperty("id").GetString());
        await irc.NextAsync(l => l.EndsWith("PRIVMSG #lobby :the report", StringComparison.Ordinal));
        var line = await irc.NextAsync(l => l.Contains("PRIVMSG #lobby :[file, ", StringComparison.Ordinal));
        var url = line[(line.LastIndexOf(' ') + 1)..];
        Assert.StartsWith($"http://127.0.0.1:{_server.Server.HttpEndpoint.Port}/api/files/{id}/Report_Q4.pdf?", url);
        using var fromIrc = await _http.GetAsync(url);
        Assert.Equal(Pdf, await fromIrc.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Files_go_without_a_caption_in_a_direct_message_and_a_recall_takes_them_for_good()
    {
        var (alice, token) = await RegisterAsync("alice");
        await using var aliceConnection = alice;
        await using var bob = await _server.RegisterAsync("bob");
        var first = await _http.UploadIdAsync(token, Pdf, "a.pdf");
        var second = await _http.UploadIdAsync(token, Encoding.UTF8.GetBytes("plain notes, 你好\n"), "notes.txt");

        var sent = (await alice.OkAsync("send", new { to = "bob", attachments = new[] { first, second } })).GetProperty("message");
        var received = await bob.NextAsync("message");
        Assert.Equal("", received.GetProperty("text").GetString());
        var attachments = received.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal([first, second], attachments.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal("text/plain", attachments[1].GetProperty("type").GetString());
        var url = attachments[0].GetProperty("url").GetString()!;
        // A browser asks again at each use, and is told its copy stands while the file does.
        using (var served = await _http.GetAsync(url))
        {
            Assert.True(served.Headers.CacheControl!.NoCache);
            using var again = new HttpRequestMessage(HttpMethod.Get, url);
            again.Headers.IfNoneMatch.Add(served.Headers.ETag!);
            using var notModified = await _http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        await alice.OkAsync("recall", new { to = "bob", seq = sent.GetProperty("seq").GetInt64() });
        var recalled = (await bob.NextAsync("recall")).GetProperty("message");
        Assert.False(recalled.TryGetProperty("attachments", out _));
        using var gone = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("no_such_file", JsonDocument.Parse(await gone.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // Nothing names the blobs now: a sweep deletes them.
        var sweeper = _server.Server.Services.GetRequiredService<FileSweeper>();
        Assert.Equal(2, await sweeper.SweepAsync(TimeSpan.Zero));
        Assert.Empty(_server.Server.Services.GetRequiredService<DirectoryBlobStore>().List());
    }

    [Fact]
    public async Task Uploads_and_sends_that_break_the_rules_are_refused_with_their_codes()
    {
        var (alice, token) = await RegisterAsync("alice");
        await using var aliceConnection = alice;
        var (bob, bobToken) = await RegisterAsync("bob");
        await using var bobConnection = bob;

        var (status, body) = await _http.UploadAsync(null, Pdf, "a.pdf");
        Assert.Equal((HttpStatusCode.Unauthorized, "bad_token"), (status, body.GetProperty("error").GetString()));
        (status, body) = await _http.UploadAsync("not-a-token", Pdf, "a.pdf");
        Assert.Equal((HttpStatusCode.Unauthorized, "bad_token"), (status, body.GetProperty("error").GetString()));

        var bobs = await _http.UploadIdAsync(bobToken, Pdf, "b.pdf");
        Assert.Equal("no_such_file", await alice.ErrorAsync("send", new { room = "lobby", attachments = new[] { bobs } }));
        Assert.Equal("no_such_file", await alice.ErrorAsync("send", new { room = "lobby", attachments = new[] { new string('0', 32) } }));
        Assert.Equal("bad_field", await alice.ErrorAsync("send", new { room = "lobby", attachments = new[] { "../file" } }));
        await bob.OkAsync("send", new { room = "lobby", attachments = new[] { bobs } });
        Assert.Equal("no_such_file", await bob.ErrorAsync("send", new { room = "lobby", attachments = new[] { bobs } }));
        var mine = await _http.UploadIdAsync(token, Pdf, "a.pdf");
        Assert.Equal("bad_field", await alice.ErrorAsync("send", new { room = "lobby", attachments = new[] { mine, mine } }));
        Assert.Equal("bad_field", await alice.ErrorAsync("send", new { room = "lobby", attachments = Array.Empty<string>() }));
        Assert.Equal("bad_field", await alice.ErrorAsync("send", new { room = "lobby", attachments = Enumerable.Repeat(mine, 11).ToArray() }));
        Assert.Equal("no_such_room", await alice.ErrorAsync("send", new { room = "nowhere-else", attachments = new[] { mine } }));
        // A refused send leaves the upload to be sent.
        await alice.OkAsync("send", new { room = "lobby", attachments = new[] { mine } });

        // HTML and SVG are never served as pages or pictures.
        var html = await _http.UploadIdAsync(token, Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"), "x.html");
        var svg = await _http.UploadIdAsync(token, Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"), "x.svg");
        var sent = (await alice.OkAsync("send", new { room = "lobby", attachments = new[] { html, svg } })).GetProperty("message");
        foreach (var attachment in sent.GetProperty("attachments").EnumerateArray())
        {
            Assert.DoesNotContain("html", attachment.GetProperty("type").GetString());
            Assert.DoesNotContain("svg", attachment.GetProperty("type").GetString());
            using var served = await _http.GetAsync(attachment.GetProperty("url").GetString()!);
            Assert.Equal("attachment", served.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("nosniff", Assert.Single(served.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("sandbox", Assert.Single(served.Headers.GetValues("Content-Security-Policy")));
        }

        // A link with its signature changed, or for the thumbnail the file does not have.
        var url = sent.GetProperty("attachments")[0].GetProperty("url").GetString()!;
        using var forged = await _http.GetAsync(url[..^2] + (url.EndsWith("AA", StringComparison.Ordinal) ? "BB" : "AA"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        using var otherFile = await _http.GetAsync(url.Replace(html, svg, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, otherFile.StatusCode);
        var (emptyStatus, emptyBody) = await _http.UploadAsync(token, [], "empty.txt");
        Assert.Equal((HttpStatusCode.BadRequest, "empty_text"), (emptyStatus, emptyBody.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task An_upload_past_the_size_limit_is_stopped_with_413_and_keeps_nothing()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxUploadBytes"] = "100000" });
        using var http = new FileHttp(server.HttpUri);
        await using var alice = await server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString();

        var (status, body) = await http.UploadAsync(token, new byte[100_001], "big.bin");
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "file_too_large"), (status, body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.Created, (await http.UploadAsync(token, new byte[100_000], "fits.bin")).Status);
        var blobs = server.Server.Services.GetRequiredService<DirectoryBlobStore>();
        Assert.Single(blobs.List());
        Assert.Empty(Directory.EnumerateFiles(blobs.TempDirectory));
    }

    [Fact]
    public async Task A_link_stops_working_after_its_time_and_history_read_then_gives_a_new_one()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time: time);
        using var http = new FileHttp(server.HttpUri);
        await using var alice = await server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        var id = await http.UploadIdAsync(token, Pdf, "a.pdf");
        var url = OnlyAttachment((await alice.OkAsync("send", new { room = "lobby", attachments = new[] { id } })).GetProperty("message"))
            .GetProperty("url").GetString()!;

        time.Advance(TimeSpan.FromDays(9));
        using var expired = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Equal("bad_link", JsonDocument.Parse(await expired.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        var fresh = OnlyAttachment((await alice.OkAsync("history", new { room = "lobby" })).GetProperty("messages").EnumerateArray().Last())
            .GetProperty("url").GetString()!;
        Assert.NotEqual(url, fresh);
        using var works = await http.GetAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }

    [Fact]
    public async Task Uploads_beyond_the_burst_are_refused_with_429()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:UploadBurst"] = "2", ["Limits:UploadsPerSecond"] = "0.001" });
        using var http = new FileHttp(server.HttpUri);
        await using var alice = await server.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        await http.UploadIdAsync(token, Pdf, "1.pdf");
        await http.UploadIdAsync(token, Pdf, "2.pdf");
        var (status, body) = await http.UploadAsync(token, Pdf, "3.pdf");
        Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_photo_is_stored_upright_without_its_gps_position_with_a_thumbnail_and_a_bomb_is_refused_undecoded()
    {
        var (alice, token) = await RegisterAsync("alice");
        await using var aliceConnection = alice;
        // 1200×800 as stored, shown rotated a quarter turn (EXIF orientation 6), with a GPS position.
        using var photo = TestImages.Photo(1200, 800);
        var jpeg = TestImages.WithExif(TestImages.Jpeg(photo), orientation: 6);
        Assert.True(TestImages.Contains(jpeg, "Exif"));

        var (status, body) = await _http.UploadAsync(token, jpeg, "IMG_0001.JPG");
        Assert.Equal(HttpStatusCode.Created, status);
        var file = body.GetProperty("file");
        Assert.Equal(("image/jpeg", 800, 1200), (file.GetProperty("type").GetString(), file.GetProperty("width").GetInt32(), file.GetProperty("height").GetInt32()));

        using var download = await _http.GetAsync(file.GetProperty("url").GetString()!);
        var stored = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(file.GetProperty("size").GetInt64(), stored.Length);
        Assert.Equal("inline", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.False(TestImages.Contains(stored, "Exif"));
        Assert.False(TestImages.Contains(stored, TestImages.LatitudeBytes));
        using (var upright = TestImages.Decode(stored))
            Assert.Equal((800, 1200), (upright.Width, upright.Height));

        using var thumb = await _http.GetAsync(file.GetProperty("thumb").GetString()!);
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType!.MediaType);
        using (var small = TestImages.Decode(await thumb.Content.ReadAsByteArrayAsync()))
            Assert.Equal((213, 320), (small.Width, small.Height));

        (status, body) = await _http.UploadAsync(token, TestImages.PngBomb(20_000, 20_000), "bomb.png");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "image_too_large"), (status, body.GetProperty("error").GetString()));
        (status, body) = await _http.UploadAsync(token, [.. TestImages.PngSignature, .. new byte[500]], "broken.png");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "bad_image"), (status, body.GetProperty("error").GetString()));
    }
}
