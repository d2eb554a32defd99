using Microsoft.Extensions.Configuration;
using Parley.Server.Hosting;

namespace Parley.Tests.Support;

/// <summary>The real server, in this process, on 127.0.0.1 port 0 with a fresh data directory.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(ParleyServer server, string dataDirectory, bool ownsData)
    {
        Server = server;
        DataDirectory = dataDirectory;
        OwnsData = ownsData;
    }

    public ParleyServer Server { get; }

    public string DataDirectory { get; }

    private bool OwnsData { get; }

    public int TcpPort => Server.TcpEndpoint.Port;

    public int IrcPort => Server.IrcEndpoint!.Port;

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Server.HttpEndpoint.Port}/ws");

    public Uri HttpUri => new($"http://127.0.0.1:{Server.HttpEndpoint.Port}/");

    /// <summary>Settings fast enough for tests: cheap password hashing, no practical rate limit.</summary>
    public static Dictionary<string, string?> DefaultSettings(string dataDirectory) => new()
    {
        ["Tcp"] = "127.0.0.1:0",
        ["Http"] = "127.0.0.1:0",
        ["Irc"] = "127.0.0.1:0",
        ["Data"] = dataDirectory,
        ["PasswordIterations"] = "1000",
        ["Connections:RateBurst"] = "100000",
        ["Connections:RatePerSecond"] = "100000",
        ["Limits:SignInBurst"] = "100000",
        ["Limits:SignInPerSecond"] = "100000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <param name="time">The server's clock (a <c>FakeTimeProvider</c> to advance by hand); the system clock when null.</param>
    public static async Task<TestServer> StartAsync(Dictionary<string, string?>? overrides = null, string? dataDirectory = null, TimeProvider? time = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= TempDirectory.Create();
        var settings = DefaultSettings(dataDirectory);
        // ./test.sh runs the suite a second time on the other transport (ServerProcess's children read it themselves).
        if (Environment.GetEnvironmentVariable("PARLEY_TRANSPORT") is { Length: > 0 } transport)
            settings["Transport"] = transport;
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var server = await ParleyServer.StartAsync(configuration, TextWriter.Null, time: time);
        return new TestServer(server, dataDirectory, ownsData);
    }

    public Task<LineClient> ConnectAsync() => LineClient.ConnectAsync(TcpPort);

    public Task<WsClient> ConnectWebSocketAsync() => WsClient.ConnectAsync(WebSocketUri);

    /// <summary>A TCP client signed in as a newly registered user.</summary>
    public async Task<LineClient> RegisterAsync(string user, string password = "password1")
    {
        var client = await ConnectAsync();
        await client.OkAsync("register", new { user, password });
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        if (OwnsData)
            TempDirectory.Delete(DataDirectory);
    }
}
