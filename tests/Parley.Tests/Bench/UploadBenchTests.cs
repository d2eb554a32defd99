using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench fanout --uploads` for about a second against a real server: the uploads run beside
/// the chat, are stored, and are reported with the server's memory around them; the chat is still
/// measured whole. No timing or memory figure is asserted: they depend on the machine.
/// </summary>
public sealed class UploadBenchTests : IAsyncLifetime
{
    private TestServer _server = null!;

    // The per-user upload limit (20 at once, then 1/s) is the server's rule, not the bench's subject:
    // an uploader repeating small files for a second would meet it.
    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new()
    {
        ["Limits:UploadBurst"] = "100000",
        ["Limits:UploadsPerSecond"] = "100000",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private BenchSettings Settings(string prefix) => ShortBenchRun.Settings("fanout", BenchProto.Native, _server.TcpPort) with
    {
        UserPrefix = prefix,
        Uploads = 3,
        UploadBytes = 300_000,
        UploadPort = _server.Server.HttpEndpoint.Port,
        Settle = TimeSpan.FromMilliseconds(200),
    };

    private static JsonElement AssertUploaded(JsonElement result, int concurrency)
    {
        Assert.Equal(0, result.GetProperty("lost").GetInt64());
        Assert.True(result.GetProperty("sent").GetInt64() > 0, result.ToString());
        Assert.Equal(concurrency, result.GetProperty("params").GetProperty("uploads").GetInt32());
        var uploads = result.GetProperty("uploads");
        Assert.True(uploads.GetProperty("completed").GetInt64() >= concurrency, uploads.ToString());
        Assert.Equal(0, uploads.GetProperty("refused").GetInt64());
        Assert.Equal(0, uploads.GetProperty("failed").GetInt64());
        Assert.Equal(uploads.GetProperty("started").GetInt64(), uploads.GetProperty("completed").GetInt64());
        Assert.Equal(uploads.GetProperty("completed").GetInt64() * uploads.GetProperty("bytes_each").GetInt64(), uploads.GetProperty("bytes").GetInt64());
        Assert.True(uploads.GetProperty("mib_per_s").GetDouble() > 0, uploads.ToString());
        // The in-process server is this process, found by its port: its memory is read.
        var rss = uploads.GetProperty("rss");
        foreach (var field in new[] { "before_bytes", "peak_bytes", "end_bytes", "after_bytes" })
            Assert.True(rss.GetProperty(field).GetInt64() > 0, $"{field}: {rss}");
        Assert.True(rss.GetProperty("peak_bytes").GetInt64() >= rss.GetProperty("before_bytes").GetInt64(), rss.ToString());
        Assert.NotEqual(0, rss.GetProperty("series_kib").GetArrayLength());
        return uploads;
    }

    [Fact]
    public async Task Fanout_with_file_uploads_stores_them_and_reports_the_server_memory()
    {
        var uploads = AssertUploaded(await ShortBenchRun.RunAsync(Settings("upf")), 3);
        Assert.Equal("application/octet-stream", uploads.GetProperty("stored_type").GetString());
        Assert.Equal(300_000, uploads.GetProperty("stored_bytes").GetInt64());
        // Each uploader's file is its own (the server keeps each content once): three files, whatever the rounds.
        var files = Path.Combine(_server.DataDirectory, "files");
        var stored = Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories)
            .Count(path => !Path.GetRelativePath(files, path).StartsWith("tmp", StringComparison.Ordinal) && new FileInfo(path).Length == 300_000);
        Assert.Equal(3, stored);
    }

    [Fact]
    public async Task Fanout_with_photo_uploads_has_them_processed_as_pictures()
    {
        // Turned (a phone's portrait photo): the server decodes it to turn it upright.
        var uploads = AssertUploaded(await ShortBenchRun.RunAsync(Settings("upp") with
        {
            Uploads = 2,
            UploadKind = UploadKind.Photo,
            PhotoWidth = 400,
            PhotoHeight = 300,
            PhotoOrientation = 6,
        }), 2);
        Assert.Equal("image/jpeg", uploads.GetProperty("stored_type").GetString());
    }

    [Fact]
    public async Task Uploads_are_refused_outside_fanout_over_native_or_ws()
    {
        var output = new CapturedOutput();
        var error = new CapturedOutput();
        var exit = await Parley.Cli.Commands.BenchCommand.RunAsync(ShortBenchRun.Settings("rooms", BenchProto.Native, _server.TcpPort) with { Uploads = 2 },
            output, error, terminal: false, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains("--uploads works with fanout", error.Text);
    }
}
