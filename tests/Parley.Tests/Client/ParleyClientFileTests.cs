using Microsoft.Extensions.DependencyInjection;
using Parley.Client;
using Parley.Client.Model;
using Parley.Server.Files;
using Parley.Tests.Files;
using Parley.Tests.Support;

namespace Parley.Tests.Client;

/// <summary>The client library's files against the real server: upload, send, receive, download, and the refusals.</summary>
public sealed class ParleyClientFileTests
{
    private static Task<ParleyClient> Connect(TestServer server, bool webSocket = false) =>
        ParleyClient.ConnectAsync(new ParleyClientOptions
        {
            Server = $"127.0.0.1:{server.TcpPort}",
            WebSocketUri = webSocket ? server.WebSocketUri : null,
        });

    private static async Task<T> Next<T>(ParleyClient client, Func<T, bool>? match = null) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var e in client.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T wanted && (match is null || match(wanted)))
                return wanted;
        }
        throw new InvalidOperationException("the client closed");
    }

    private static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string HttpOf(TestServer server) => $"http://127.0.0.1:{server.Server.HttpEndpoint.Port}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_uploaded_and_sent_reaches_the_other_client_whose_download_gives_the_same_bytes_with_progress(bool webSocket)
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await Connect(server, webSocket);
        await using var bob = await Connect(server, webSocket);
        var session = await alice.RegisterAsync("alice", "password1");
        await bob.RegisterAsync("bob", "password1");
        Assert.Equal(new Uri(HttpOf(server)), session.HttpAddress);
        Assert.Equal(session.HttpAddress, alice.HttpAddress);
        Assert.Equal((10, 25L * 1024 * 1024), (alice.Limits.MaxAttachments, alice.Limits.MaxUploadBytes));

        // Several chunks' worth, not a whole number of them.
        var bytes = RandomBytes(300_001);
        var uploadProgress = new RecordingProgress();
        var uploaded = await alice.UploadAsync(new MemoryStream(bytes), "data/../measurements.bin", uploadProgress);
        uploadProgress.AssertRoseTo(bytes.Length, atLeast: 4);
        Assert.Equal(("measurements.bin", bytes.Length, "application/octet-stream"), (uploaded.Name, uploaded.Size, uploaded.Type));
        Assert.False(uploaded.IsImage);
        Assert.Null(uploaded.ThumbUrl);
        Assert.StartsWith($"{HttpOf(server)}/api/files/{uploaded.Id}/measurements.bin?", uploaded.Url.AbsoluteUri);

        var sent = await alice.SendAsync(Target.InRoom("lobby"), "the numbers", [uploaded]);
        Assert.Equal(uploaded.Id, Assert.Single(sent.Attachments).Id);

        var received = (await Next<MessageReceived>(bob, m => m.Message.Seq == sent.Seq)).Message;
        Assert.Equal(("alice", "the numbers"), (received.From, received.Text));
        var attachment = Assert.Single(received.Attachments);
        Assert.Equal((uploaded.Id, "measurements.bin", (long)bytes.Length), (attachment.Id, attachment.Name, attachment.Size));
        Assert.True(attachment.Url.IsAbsoluteUri, attachment.Url.OriginalString);

        using var downloaded = new MemoryStream();
        var downloadProgress = new RecordingProgress();
        Assert.Equal(bytes.Length, await bob.DownloadAsync(attachment, downloaded, downloadProgress));
        Assert.Equal(bytes, downloaded.ToArray());
        downloadProgress.AssertRoseTo(bytes.Length, atLeast: 2);

        // History carries the files too, with links that work.
        var fromHistory = Assert.Single(Assert.Single((await bob.HistoryAsync(Target.InRoom("lobby"), limit: 1)).Messages).Attachments);
        using var again = new MemoryStream();
        await bob.DownloadAsync(fromHistory, again);
        Assert.Equal(bytes, again.ToArray());
    }

    [Fact]
    public async Task A_picture_uploaded_from_a_path_is_sent_without_a_caption_in_a_direct_message_with_its_size_and_thumbnail()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await Connect(server);
        await using var bob = await Connect(server);
        await alice.RegisterAsync("alice", "password1");
        await bob.RegisterAsync("bob", "password1");
        var folder = TempDirectory.Create();
        try
        {
            var path = Path.Combine(folder, "view.jpg");
            using (var photo = TestImages.Photo(640, 480))
                await File.WriteAllBytesAsync(path, TestImages.Jpeg(photo));
            var progress = new RecordingProgress();
            var uploaded = await alice.UploadAsync(path, progress);
            progress.AssertRoseTo(new FileInfo(path).Length, atLeast: 1);
            Assert.Equal(("view.jpg", "image/jpeg", 640, 480), (uploaded.Name, uploaded.Type, uploaded.Width, uploaded.Height));
            Assert.True(uploaded.IsImage);
            Assert.StartsWith($"{HttpOf(server)}/api/thumbs/{uploaded.Id}?", uploaded.ThumbUrl!.AbsoluteUri);

            var sent = await alice.SendAsync(Target.With("bob"), null, [uploaded]);
            var received = (await Next<MessageReceived>(bob, m => m.Message.Seq == sent.Seq)).Message;
            Assert.Equal("", received.Text);
            var picture = Assert.Single(received.Attachments);
            Assert.Equal((640, 480, uploaded.Size), (picture.Width, picture.Height, picture.Size));
            using var stored = new MemoryStream();
            await bob.DownloadAsync(picture, stored);
            // The server keeps pictures re-encoded, without their metadata: what is downloaded is what it says it keeps.
            Assert.Equal(uploaded.Size, stored.Length);
            using var decoded = TestImages.Decode(stored.ToArray());
            Assert.Equal((640, 480), (decoded.Width, decoded.Height));
        }
        finally
        {
            TempDirectory.Delete(folder);
        }
    }

    [Fact]
    public async Task A_file_over_the_server_limit_is_refused_before_it_is_sent_or_while_it_streams_and_nothing_is_kept()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxUploadBytes"] = "1000" });
        await using var alice = await Connect(server);
        await alice.RegisterAsync("alice", "password1");
        Assert.Equal(1000, alice.Limits.MaxUploadBytes);

        // Of known length: refused before a byte goes.
        var known = new MemoryStream(RandomBytes(1001));
        var progress = new RecordingProgress();
        var refused = await Assert.ThrowsAsync<ParleyException>(() => alice.UploadAsync(known, "big.bin", progress));
        Assert.Equal(("file_too_large", "files are at most 1,000 bytes; this one has 1,001 bytes", null), (refused.Code, refused.Message, refused.HttpStatus));
        Assert.Equal(0, known.Position);
        Assert.Empty(progress.Reports);

        // Of unknown length: stopped once it goes past the limit, never sending more.
        var unknown = new ForwardOnlyStream(RandomBytes(200_000));
        var streamed = await Assert.ThrowsAsync<ParleyException>(() => alice.UploadAsync(unknown, "pipe.bin", progress));
        Assert.Equal(("file_too_large", "files are at most 1,000 bytes; this one has more than 1,000 bytes"), (streamed.Code, streamed.Message));
        Assert.True(unknown.BytesRead < 200_000, $"read {unknown.BytesRead} bytes of 200,000");
        Assert.All(progress.Reports, sent => Assert.True(sent <= 1000, $"{sent} bytes sent"));

        var blobs = server.Server.Services.GetRequiredService<DirectoryBlobStore>();
        await Until.TrueAsync(() => !Directory.EnumerateFiles(blobs.TempDirectory).Any(), "the server dropped the cut-off upload");
        Assert.Empty(blobs.List());

        // Exactly the limit goes, streamed or not.
        Assert.Equal(1000, (await alice.UploadAsync(new ForwardOnlyStream(RandomBytes(1000)), "fits.bin")).Size);
        Assert.Equal(1000, (await alice.UploadAsync(new MemoryStream(RandomBytes(1000, seed: 2)), "fits too.bin")).Size);
    }

    [Fact]
    public async Task The_servers_refusals_of_uploads_downloads_and_sends_come_with_their_codes_and_status()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:UploadBurst"] = "4", ["Limits:UploadsPerSecond"] = "0.001" });
        await using var alice = await Connect(server);
        var session = await alice.RegisterAsync("alice", "password1");

        async Task<(string Code, int? Status)> Refusal(Func<Task> action)
        {
            var refused = await Assert.ThrowsAsync<ParleyException>(action);
            return (refused.Code, refused.HttpStatus);
        }

        Assert.Equal(("empty_text", 400), await Refusal(() => alice.UploadAsync(new MemoryStream(), "empty.txt")));
        Assert.Equal(("bad_image", 422), await Refusal(() => alice.UploadAsync(new MemoryStream([.. TestImages.PngSignature, .. RandomBytes(500)]), "broken.png")));
        Assert.Equal(("image_too_large", 422), await Refusal(() => alice.UploadAsync(new MemoryStream(TestImages.PngHeaderOnly(20_000, 20_000)), "bomb.png")));
        var kept = await alice.UploadAsync(new MemoryStream(RandomBytes(10)), "a.bin");
        // Four uploads started, the burst: the fifth waits for a refill.
        Assert.Equal(("rate_limited", 429), await Refusal(() => alice.UploadAsync(new MemoryStream(RandomBytes(10)), "b.bin")));

        // Sends the server would refuse are refused here.
        Assert.Equal(("bad_field", null), await Refusal(() => alice.SendAsync(Target.InRoom("lobby"), "none", [])));
        Assert.Equal(("bad_field", null), await Refusal(() => alice.SendAsync(Target.InRoom("lobby"), "twice", [kept, kept])));
        Assert.Equal(("bad_field", null), await Refusal(() => alice.SendAsync(Target.InRoom("lobby"), "eleven", Enumerable.Repeat(kept, 11).ToList())));
        // And those only the server knows about by the server, leaving the upload to be sent.
        Assert.Equal(("no_such_room", null), await Refusal(() => alice.SendAsync(Target.InRoom("elsewhere"), "lost", [kept])));
        var sent = await alice.SendAsync(Target.InRoom("lobby"), "", [kept]);
        Assert.Equal(("no_such_file", null), await Refusal(() => alice.SendAsync(Target.InRoom("lobby"), "again", [kept])));

        // A link changed is bad_link; the file of a recalled message is gone.
        var link = Assert.Single(sent.Attachments);
        var forged = link with { Url = new Uri(link.Url.AbsoluteUri.Replace("s=", "s=x", StringComparison.Ordinal)) };
        Assert.Equal(("bad_link", 403), await Refusal(() => alice.DownloadAsync(forged, Stream.Null)));
        await alice.RecallAsync(Target.InRoom("lobby"), sent.Seq);
        Assert.Equal(("no_such_file", 404), await Refusal(() => alice.DownloadAsync(link, Stream.Null)));

        // A token revoked elsewhere: the server's 401. Signed out here: refused before anything is sent.
        await using var other = await Connect(server);
        await other.ResumeAsync(session.Token!);
        await alice.LogoutAsync();
        Assert.Equal(("bad_token", 401), await Refusal(() => other.UploadAsync(new MemoryStream(RandomBytes(10)), "c.bin")));
        Assert.Equal(("bad_token", null), await Refusal(() => alice.UploadAsync(new MemoryStream(RandomBytes(10)), "d.bin")));
    }
}
