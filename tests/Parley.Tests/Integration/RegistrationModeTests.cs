using Microsoft.Extensions.Time.Testing;
using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>Registration open, closed (the operator makes accounts) or by invitation code, over the native protocol and the admin socket.</summary>
public sealed class RegistrationModeTests
{
    [Fact]
    public async Task Closed_registration_refuses_register_and_the_operator_makes_accounts()
    {
        await using var server = await TestServer.StartAsync(new() { ["Registration"] = "closed" });
        await using var client = await server.ConnectAsync();
        Assert.Equal("registration_closed", await client.ErrorAsync("register", new { user = "alice", password = "password1" }));

        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        Assert.Equal("alice", (await admin.OkAsync("admin.create", new { user = "alice", password = "password1" })).GetProperty("user").GetString());
        Assert.Equal("user_exists", await admin.ErrorAsync("admin.create", new { user = "ALICE", password = "password1" }));
        Assert.Equal("bad_password", await admin.ErrorAsync("admin.create", new { user = "bob", password = "short" }));
        var signedIn = await client.OkAsync("login", new { user = "alice", password = "password1" });
        Assert.Contains(signedIn.GetProperty("rooms").EnumerateArray(), r => r.GetProperty("name").GetString() == "lobby");
    }

    [Fact]
    public async Task Invite_registration_takes_a_code_of_the_operators_for_as_many_uses_as_it_has_until_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(new() { ["Registration"] = "invite" }, time: time);
        await using var admin = await AdminSocketLineClient.ConnectAsync(server.DataDirectory);
        var twice = (await admin.OkAsync("admin.invite", new { uses = 2, hours = 24 })).GetProperty("code").GetString();
        Assert.Equal("bad_field", await admin.ErrorAsync("admin.invite", new { uses = 0 }));

        Assert.Equal("bad_invitation", await RegisterAsync(server, "alice", invite: null));
        Assert.Equal("bad_invitation", await RegisterAsync(server, "alice", invite: "not-a-code"));
        Assert.Null(await RegisterAsync(server, "alice", twice));
        // A name already taken is refused before the code is used.
        Assert.Equal("user_exists", await RegisterAsync(server, "Alice", twice));
        Assert.Null(await RegisterAsync(server, "bob", twice));
        Assert.Equal("bad_invitation", await RegisterAsync(server, "carol", twice));

        var daily = (await admin.OkAsync("admin.invite", new { hours = 24 })).GetProperty("code").GetString();
        var withdrawn = (await admin.OkAsync("admin.invite", new { })).GetProperty("code").GetString();
        await admin.OkAsync("admin.uninvite", new { code = withdrawn });
        Assert.Equal("bad_invitation", await admin.ErrorAsync("admin.uninvite", new { code = withdrawn }));
        Assert.Equal("bad_invitation", await RegisterAsync(server, "carol", withdrawn));
        time.Advance(TimeSpan.FromHours(24));
        Assert.Equal("bad_invitation", await RegisterAsync(server, "carol", daily));
    }

    [Fact]
    public async Task Open_registration_ignores_an_invitation_code()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Null(await RegisterAsync(server, "alice", invite: "anything"));
    }

    /// <summary>Null when registered, else the error code.</summary>
    private static async Task<string?> RegisterAsync(TestServer server, string user, string? invite)
    {
        await using var client = await server.ConnectAsync();
        if (invite is null)
            return await client.ErrorAsync("register", new { user, password = "password1" });
        var reply = await client.RequestAsync("register", new { user, password = "password1", invite });
        return reply.GetProperty("type").GetString() == "ok" ? null : reply.GetProperty("code").GetString();
    }
}
