using Parley.Tests.Support;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>
/// Everything a client can get wrong, against the real server over real TCP and WebSocket. Each
/// case checks the exact stable error code, that the offending connection is still served (or,
/// where the protocol says so, closed with a reason), and that two bystanders signed in to lobby,
/// alice over TCP and bob over WebSocket, can still talk both ways afterwards. Each test gets a
/// fresh server and fresh bystanders; the subclasses are the sections of that list.
/// </summary>
public abstract class BadInputTestBase : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    /// <summary>The bystander on TCP.</summary>
    protected LineClient Alice { get; private set; } = null!;

    /// <summary>The bystander on WebSocket.</summary>
    protected WsClient Bob { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        (Alice, Bob) = await BystandersAsync(Server);
    }

    public async Task DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>The offender: a newly registered user on TCP.</summary>
    protected Task<LineClient> MalloryAsync() => Server.RegisterAsync("mallory");

    protected Task AssertUndisturbedAsync() => BadInputChecks.AssertUndisturbedAsync(Server, Alice, Bob);

    /// <summary>
    /// Nothing from <paramref name="user"/> reached the bystanders. Call after
    /// <see cref="AssertUndisturbedAsync()"/>: lobby is delivered in order, so anything the offender
    /// got into lobby before would have arrived before the bystanders' own later messages.
    /// </summary>
    protected void AssertNothingRelayedFrom(string user)
    {
        Assert.True(Alice.HasNo("message", m => Text(m, "from") == user), $"alice received a message from {user}");
        Assert.True(Bob.HasNo("message", m => Text(m, "from") == user), $"bob received a message from {user}");
    }
}
