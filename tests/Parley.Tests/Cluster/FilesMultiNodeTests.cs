using System.Net;
using System.Text;
using Parley.Tests.Support;

namespace Parley.Tests.Cluster;

/// <summary>Files across two real nodes on one real redis-server, sharing one files directory (docs/redis.md, "Files").</summary>
public sealed class FilesMultiNodeTests : IAsyncLifetime
{
    private RedisNodes _nodes = null!;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _nodes = await RedisNodes.StartAsync();
        var shared = new Dictionary<string, string?> { ["Files"] = _nodes.NewDirectory() };
        _a = await _nodes.StartNodeAsync("a", shared);
        _b = await _nodes.StartNodeAsync("b", shared);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _nodes.DisposeAsync();
    }

    [Fact]
    public async Task A_file_uploaded_to_one_node_is_sent_through_the_other_and_downloaded_from_either()
    {
        var bytes = Encoding.UTF8.GetBytes("minutes of the meeting\n");
        await using var alice = await _a.ConnectAsync();
        var token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
        await using var aliceOnB = await _b.ConnectAsync();
        await aliceOnB.OkAsync("resume", new { token });
        await using var bob = await _b.RegisterAsync("bob");
        using var httpA = new FileHttp(_a.HttpUri);
        using var httpB = new FileHttp(_b.HttpUri);

        // Uploaded to node a, sent from node b: the upload is in Redis, its bytes in the shared directory.
        var id = await httpA.UploadIdAsync(token, bytes, "minutes.txt");
        await aliceOnB.OkAsync("send", new { room = "lobby", text = "notes", attachments = new[] { id } });
        var received = await bob.NextAsync("message", m => m.TryGetProperty("attachments", out _));
        var url = Assert.Single(received.GetProperty("attachments").EnumerateArray()).GetProperty("url").GetString()!;

        // Either node serves it with the other's link: they share the signing key.
        foreach (var http in new[] { httpA, httpB })
        {
            using var download = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }
        var onA = await alice.NextAsync("message", m => m.TryGetProperty("attachments", out _));
        Assert.Equal(id, onA.GetProperty("attachments")[0].GetProperty("id").GetString());

        // Recalled on node b: gone from node a at once.
        await aliceOnB.OkAsync("recall", new { room = "lobby", seq = received.GetProperty("seq").GetInt64() });
        using var gone = await httpA.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
