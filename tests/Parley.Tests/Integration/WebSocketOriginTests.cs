using System.Net.WebSockets;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

public sealed class WebSocketOriginTests
{
    [Fact]
    public async Task A_page_from_another_origin_cannot_open_the_WebSocket()
    {
        await using var server = await TestServer.StartAsync();
        using var foreign = new ClientWebSocket();
        foreign.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(server.WebSocketUri, CancellationToken.None));

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{server.HttpUri.Port}");
        await own.ConnectAsync(server.WebSocketUri, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
    }
}
