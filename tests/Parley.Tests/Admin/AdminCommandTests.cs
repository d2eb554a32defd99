using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Admin;

/// <summary>`parley admin` against a real `parley serve` process, through its admin socket.</summary>
public sealed class AdminCommandTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        TempDirectory.Delete(_data);
        return Task.CompletedTask;
    }

    private static bool Bye(JsonElement e, string reason) => e.GetProperty("reason").GetString() == reason;

    private static async Task<LineClient> RegisterAsync(ServerProcess server, string user)
    {
        var client = await server.ConnectAsync();
        await client.OkAsync("register", new { user, password = "password1" });
        return client;
    }

    [Fact]
    public async Task Accounts_and_rooms_are_managed_on_a_running_server()
    {
        await using var server = await ServerProcess.StartAsync(_data);
        await using var alice = await RegisterAsync(server, "alice");
        await using var bob = await RegisterAsync(server, "bob");

        var users = await AdminRun.RunAsync("users", "--data", _data);
        Assert.True(users.Exit == 0, users.Error);
        var lines = users.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["alice", "bob"], lines.Select(l => l.Split(' ', 2)[0]));
        Assert.All(lines, l => Assert.Contains(" active ", l));
        Assert.All(lines, l => Assert.Contains(" online ", l));

        var disable = await AdminRun.RunAsync("disable", "alice", "--data", _data);
        Assert.Equal((0, "disabled alice\n"), (disable.Exit, disable.Output));
        await alice.NextAsync("bye", e => Bye(e, "disabled"));
        Assert.Contains(" disabled ", (await AdminRun.RunAsync("users", "AL", "--data", _data)).Output);
        await using (var refused = await server.ConnectAsync())
            Assert.Equal("disabled", await refused.ErrorAsync("login", new { user = "alice", password = "password1" }));
        Assert.Equal(0, (await AdminRun.RunAsync("enable", "alice", "--data", _data)).Exit);

        var reset = await AdminRun.RunWithInputAsync("brand-new-pw\n", "password", "alice", "--password-stdin", "--data", _data);
        Assert.Equal(0, reset.Exit);
        await using (var again = await server.ConnectAsync())
            await again.OkAsync("login", new { user = "alice", password = "brand-new-pw" });

        await bob.OkAsync("create", new { room = "dev" });
        var rooms = await AdminRun.RunAsync("rooms", "--data", _data);
        Assert.Equal(0, rooms.Exit);
        Assert.Matches(@"^dev\s+1\s+bob\nlobby\s+2\s+-\n$", rooms.Output);

        await using var carol = await RegisterAsync(server, "carol");
        await carol.OkAsync("join", new { room = "dev" });
        var owner = await AdminRun.RunAsync("owner", "dev", "carol", "--data", _data);
        Assert.Equal((0, "carol owns dev\n"), (owner.Exit, owner.Output));
        Assert.Matches(@"^dev\s+2\s+carol\n", (await AdminRun.RunAsync("rooms", "--data", _data)).Output);

        await carol.OkAsync("send", new { room = "dev", text = "oops" });
        var remove = await AdminRun.RunAsync("remove", "--room", "dev", "--seq", "1", "--data", _data);
        Assert.Equal((0, "removed message 1 of dev\n"), (remove.Exit, remove.Output));
        Assert.Equal("", (await carol.OkAsync("history", new { room = "dev" })).GetProperty("messages")[0].GetProperty("text").GetString());
        Assert.Equal(1, (await AdminRun.RunAsync("remove", "--dm", "carol,bob", "--seq", "1", "--data", _data)).Exit);

        var delete = await AdminRun.RunAsync("delete", "bob", "--data", _data);
        Assert.Equal((0, "deleted bob\n"), (delete.Exit, delete.Output));
        await bob.NextAsync("bye", e => Bye(e, "account_deleted"));

        var unknown = await AdminRun.RunAsync("disable", "nobody", "--data", _data);
        Assert.Equal((1, "parley admin: there is no account 'nobody' (no_such_user)\n"), (unknown.Exit, unknown.Error));
        var noPassword = await AdminRun.RunAsync("password", "alice", "--data", _data);
        Assert.Equal(1, noPassword.Exit);
        Assert.Contains("--password-stdin", noPassword.Error);
    }

    [Fact]
    public async Task With_registration_by_invitation_the_operator_hands_out_codes_and_makes_accounts()
    {
        await using var server = await ServerProcess.StartAsync(_data, new Dictionary<string, string> { ["PARLEY_REGISTRATION"] = "invite" });

        var invite = await AdminRun.RunAsync("invite", "--uses", "1", "--hours", "48", "--data", _data);
        Assert.True(invite.Exit == 0, invite.Error);
        Assert.Matches(@"^\S{20}  \(1 use\(s\), until \d{4}-.+Z\)\n$", invite.Output);
        var code = invite.Output.Split(' ')[0];
        await using (var client = await server.ConnectAsync())
        {
            Assert.Equal("bad_invitation", await client.ErrorAsync("register", new { user = "alice", password = "password1" }));
            await client.OkAsync("register", new { user = "alice", password = "password1", invite = code });
        }

        var create = await AdminRun.RunWithInputAsync("dave-password\n", "create", "dave", "--password-stdin", "--data", _data);
        Assert.Equal((0, "created dave\n"), (create.Exit, create.Output));
        await using (var dave = await server.ConnectAsync())
            await dave.OkAsync("login", new { user = "dave", password = "dave-password" });

        var withdrawn = (await AdminRun.RunAsync("invite", "--data", _data)).Output.Split(' ')[0];
        Assert.Equal((0, "invitation withdrawn\n"), ((await AdminRun.RunAsync("uninvite", withdrawn, "--data", _data)) is var u ? (u.Exit, u.Output) : default));
    }

    [Fact]
    public async Task Without_a_running_server_it_says_so_and_fails()
    {
        var none = await AdminRun.RunAsync("users", "--data", _data);
        Assert.Equal(1, none.Exit);
        Assert.StartsWith("parley admin: no parley serve is running there", none.Error);

        // A killed server leaves its socket file behind: nothing listens on it.
        var server = await ServerProcess.StartAsync(_data);
        await server.KillAsync();
        await server.DisposeAsync();
        Assert.True(File.Exists(Path.Combine(_data, "admin.sock")));
        var stale = await AdminRun.RunAsync("disable", "alice", "--data", _data);
        Assert.Equal(1, stale.Exit);
        Assert.StartsWith("parley admin: no parley serve is running there", stale.Error);
    }

    [Fact]
    public async Task Restore_is_refused_while_a_server_uses_the_database()
    {
        var backup = Path.Combine(_data, "..", Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var server = await ServerProcess.StartAsync(_data);
            await (await RegisterAsync(server, "alice")).DisposeAsync();
            Assert.Equal(0, (await AdminRun.RunAsync("backup", "--data", _data, "--to", backup)).Exit);

            var refused = await AdminRun.RunAsync("restore", "--data", _data, "--from", backup);
            Assert.Equal(1, refused.Exit);
            Assert.Contains($"is in use by a running parley serve (pid {server.Pid}): stop it before restoring", refused.Error);
            // Nothing was touched: the server goes on.
            await using var client = await server.ConnectAsync();
            await client.OkAsync("login", new { user = "alice", password = "password1" });
        }
        finally
        {
            File.Delete(backup);
        }
    }
}
