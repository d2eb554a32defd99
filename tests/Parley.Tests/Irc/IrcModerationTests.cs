using Parley.Tests.Support;

namespace Parley.Tests.Irc;

/// <summary>Channel modes, KICK and INVITE over the hub's moderation model, against the real server over TCP.</summary>
public sealed class IrcModerationTests
{
    private static Task<TestServer> OpenServerAsync(string? dataDirectory = null) =>
        TestServer.StartAsync(new() { ["IrcGuests"] = "open" }, dataDirectory);

    private static async Task<(IrcClient Op, IrcClient User)> ChannelOfTwoAsync(TestServer server, string channel = "#room", params string[] userCaps)
    {
        var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        var user = await IrcClient.GuestAsync(server.IrcPort, "user", userCaps);
        await op.SendAsync($"JOIN {channel}");
        await op.NumericAsync("366");
        await user.SendAsync($"JOIN {channel}");
        await user.NumericAsync("366");
        await op.NextAsync(l => l == $":user!user@parley JOIN {channel}");
        return (op, user);
    }

    [Fact]
    public async Task Operators_give_voice_and_op_and_moderated_channels_silence_the_rest()
    {
        await using var server = await OpenServerAsync();
        var (op, user) = await ChannelOfTwoAsync(server);
        await using var _ = op;
        await using var __ = user;

        await user.SendAsync("MODE #room +m");
        await user.NumericAsync("482");
        await op.SendAsync("MODE #room +m");
        await user.NextAsync(l => l == ":op!op@parley MODE #room +m");
        await user.SendAsync("PRIVMSG #room :can anyone hear me?");
        await user.NumericAsync("404");
        await op.SendAsync("MODE #room +v user");
        await user.NextAsync(l => l == ":op!op@parley MODE #room +v user");
        await user.SendAsync("PRIVMSG #room :now you can");
        await op.NextAsync(l => l.EndsWith("PRIVMSG #room :now you can"));
        await op.SendAsync("MODE #room");
        Assert.EndsWith(" #room :+mnt", await op.NumericAsync("324"));

        await op.SendAsync("MODE #room +o user");
        await user.NextAsync(l => l == ":op!op@parley MODE #room +o user");
        await user.SendAsync("NAMES #room");
        Assert.EndsWith(" = #room :@op @user", await user.NumericAsync("353"));
        await op.SendAsync("MODE #room +o nobody");
        await op.NumericAsync("401");
        await using var outsider = await IrcClient.GuestAsync(server.IrcPort, "outsider");
        await op.SendAsync("MODE #room +o outsider");
        await op.NumericAsync("441");
    }

    [Fact]
    public async Task A_voice_given_to_an_operator_or_the_owner_takes_nothing_away()
    {
        await using var server = await OpenServerAsync();
        var (op, user) = await ChannelOfTwoAsync(server);
        await using var _ = op;
        await using var __ = user;

        await op.SendAsync("MODE #room +o user");
        await user.NextAsync(l => l == ":op!op@parley MODE #room +o user");
        await op.SendAsync("MODE #room +v user");
        await op.SendAsync("MODE #room +v op");
        await user.SendAsync("MODE #room +m");
        await op.NextAsync(l => l == ":user!user@parley MODE #room +m");
        Assert.True(op.HasNo(l => l.Contains(" MODE #room +v")));
        await op.SendAsync("NAMES #room");
        Assert.EndsWith(" = #room :@op @user", await op.NumericAsync("353"));
        // The owner still moderates.
        await op.SendAsync("MODE #room -o user");
        await user.NextAsync(l => l == ":op!op@parley MODE #room -o user");
    }

    [Fact]
    public async Task A_secret_room_is_left_out_for_non_members_on_irc_and_native_alike()
    {
        await using var server = await OpenServerAsync();
        var (op, user) = await ChannelOfTwoAsync(server, "#hidden");
        await using var _ = op;
        await using var __ = user;
        await op.SendAsync("MODE #hidden +s");
        await user.NextAsync(l => l == ":op!op@parley MODE #hidden +s");
        await using var outsider = await IrcClient.GuestAsync(server.IrcPort, "outsider");
        await using var native = await server.RegisterAsync("nadia");

        await outsider.SendAsync("LIST");
        await outsider.NumericAsync("323");
        await outsider.SendAsync("NAMES #hidden");
        Assert.EndsWith(" #hidden :End of /NAMES list", await outsider.NumericAsync("366"));
        Assert.DoesNotContain(outsider.Lines, l => l.Contains("#hidden") && IrcClient.Numeric(l) is "322" or "353");
        var rooms = await native.OkAsync("rooms");
        Assert.DoesNotContain("hidden", rooms.ToString());
        await user.SendAsync("LIST");
        await user.NextAsync(l => IrcClient.Numeric(l) == "322" && l.Contains(" #hidden "));
    }

    [Fact]
    public async Task An_admin_who_left_the_room_hears_no_more_of_its_invitations()
    {
        await using var server = await OpenServerAsync();
        await using var alice = await server.RegisterAsync("alice");
        await using var carol = await server.RegisterAsync("carol");
        await alice.OkAsync("create", new { room = "den" });
        await alice.OkAsync("leave", new { room = "den" });
        await using var gus = await IrcClient.GuestAsync(server.IrcPort, "gus");
        await gus.SendAsync("JOIN #den");
        await gus.NumericAsync("366");

        await gus.SendAsync("INVITE carol #den");
        await gus.NumericAsync("341");
        await carol.NextAsync("invite", e => e.GetProperty("room").GetString() == "den");
        await alice.OkAsync("ping");
        Assert.True(alice.HasNo("invite"));
    }

    [Fact]
    public async Task Kick_removes_a_member_and_only_operators_may()
    {
        await using var server = await OpenServerAsync();
        var (op, user) = await ChannelOfTwoAsync(server);
        await using var _ = op;
        await using var __ = user;

        await user.SendAsync("KICK #room op :no");
        await user.NumericAsync("482");
        await op.SendAsync("KICK #room nobody");
        await op.NumericAsync("441");
        await op.SendAsync("KICK #room user :behave");
        await user.NextAsync(l => l == ":op!op@parley KICK #room user :behave");
        await op.NextAsync(l => l == ":op!op@parley KICK #room user :behave");
        await user.SendAsync("PRIVMSG #room :still here?");
        await user.NumericAsync("404");
    }

    [Fact]
    public async Task Key_limit_ban_and_invite_only_keep_people_out_and_an_invitation_lets_one_in()
    {
        await using var server = await OpenServerAsync();
        await using var op = await IrcClient.GuestAsync(server.IrcPort, "op");
        await using var other = await IrcClient.GuestAsync(server.IrcPort, "other", "invite-notify");
        await op.SendAsync("JOIN #room");
        await op.NumericAsync("366");

        await op.SendAsync("MODE #room +k sesame");
        await op.NextAsync(l => l == ":op!op@parley MODE #room +k sesame");
        await other.SendAsync("JOIN #room");
        await other.NumericAsync("475");
        await op.SendAsync("MODE #room -k *");
        await op.SendAsync("MODE #room +l 1");
        await op.NextAsync(l => l == ":op!op@parley MODE #room +l 1");
        await other.SendAsync("JOIN #room");
        await other.NumericAsync("471");
        await op.SendAsync("MODE #room -l");
        await op.SendAsync("MODE #room +b other");
        await op.NextAsync(l => l == ":op!op@parley MODE #room +b other!*@*");
        await op.SendAsync("MODE #room +b");
        Assert.Contains(" #room other!*@* op ", await op.NumericAsync("367"));
        await op.NumericAsync("368");
        await other.SendAsync("JOIN #room");
        await other.NumericAsync("474");
        await op.SendAsync("MODE #room -b other!*@*");
        await op.SendAsync("MODE #room +i");
        await op.NextAsync(l => l == ":op!op@parley MODE #room +i");
        await other.SendAsync("JOIN #room");
        await other.NumericAsync("473");

        await op.SendAsync("INVITE other #room");
        Assert.EndsWith(" other :#room", await op.NumericAsync("341"));
        await other.NextAsync(l => l == ":op!op@parley INVITE other #room");
        await other.SendAsync("JOIN #room");
        await op.NextAsync(l => l == ":other!other@parley JOIN #room");
        await op.SendAsync("INVITE other #room");
        await op.NumericAsync("443");
    }

    [Fact]
    public async Task An_accounts_room_keeps_its_roles_and_settings_across_a_restart()
    {
        var data = TempDirectory.Create();
        try
        {
            await using (var server = await OpenServerAsync(data))
            {
                await using var aliceNative = await server.RegisterAsync("alice");
                await using var bobNative = await server.RegisterAsync("bob");
                await using var alice = await IrcClient.SignInAsync(server.IrcPort, "alice");
                await alice.SendAsync("JOIN #kept");
                await alice.NextAsync(l => l == ":alice!alice@parley JOIN #kept");
                await bobNative.OkAsync("join", new { room = "kept" });
                await alice.SendAsync("MODE #kept +mv bob");
                await alice.NextAsync(l => l == ":alice!alice@parley MODE #kept +mv bob");
            }
            await using var again = await OpenServerAsync(data);
            await using var bob = await IrcClient.SignInAsync(again.IrcPort, "bob");
            await bob.SendAsync("NAMES #kept");
            Assert.EndsWith(" = #kept :@alice +bob", await bob.NumericAsync("353"));
            await bob.SendAsync("MODE #kept");
            Assert.EndsWith(" #kept :+mn", await bob.NumericAsync("324"));
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Members_joining_at_once_never_pass_the_member_limit()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await server.RegisterAsync("owner");
        await owner.OkAsync("create", new { room = "small" });
        await using var ownerIrc = await IrcClient.SignInAsync(server.IrcPort, "owner");
        await ownerIrc.SendAsync("MODE #small +l 5");
        await ownerIrc.NextAsync(l => l == ":owner!owner@parley MODE #small +l 5");

        var joiners = new List<LineClient>();
        try
        {
            for (var i = 0; i < 20; i++)
                joiners.Add(await server.RegisterAsync($"joiner{i}"));
            // Every join's store write is under way at once: before joins held their place, several passed the check together.
            var replies = await Task.WhenAll(joiners.Select(j => j.RequestAsync("join", new { room = "small" })));
            Assert.Equal(4, replies.Count(r => r.GetProperty("type").GetString() == "ok"));
            Assert.All(replies.Where(r => r.GetProperty("type").GetString() != "ok"), r => Assert.Equal("room_full", r.GetProperty("code").GetString()));
            var members = await owner.OkAsync("members", new { room = "small" });
            Assert.Equal(5, members.GetProperty("members").GetArrayLength());
        }
        finally
        {
            foreach (var joiner in joiners)
                await joiner.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_native_client_joins_a_keyed_room_with_its_key()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await server.RegisterAsync("owner");
        await using var guest = await server.RegisterAsync("guest");
        await owner.OkAsync("create", new { room = "locked" });
        await using var ownerIrc = await IrcClient.SignInAsync(server.IrcPort, "owner");
        await ownerIrc.SendAsync("MODE #locked +k sesame");
        await ownerIrc.NextAsync(l => l == ":owner!owner@parley MODE #locked +k sesame");

        Assert.Equal("bad_key", (await guest.RequestAsync("join", new { room = "locked" })).GetProperty("code").GetString());
        Assert.Equal("bad_key", (await guest.RequestAsync("join", new { room = "locked", key = "wrong" })).GetProperty("code").GetString());
        var joined = await guest.OkAsync("join", new { room = "locked", key = "sesame" });
        Assert.Equal("locked", joined.GetProperty("room").GetString());
    }

    [Fact]
    public async Task A_kicked_admin_comes_back_a_plain_member()
    {
        await using var server = await TestServer.StartAsync();
        await using var ownerNative = await server.RegisterAsync("owner");
        await using var adminNative = await server.RegisterAsync("admin");
        await ownerNative.OkAsync("create", new { room = "crew" });
        await adminNative.OkAsync("join", new { room = "crew" });
        await using var owner = await IrcClient.SignInAsync(server.IrcPort, "owner");
        await owner.SendAsync("MODE #crew +o admin");
        await owner.NextAsync(l => l == ":owner!owner@parley MODE #crew +o admin");

        await owner.SendAsync("KICK #crew admin :cool off");
        await owner.NextAsync(l => l == ":owner!owner@parley KICK #crew admin :cool off");
        await adminNative.OkAsync("join", new { room = "crew" });
        await owner.SendAsync("NAMES #crew");
        Assert.EndsWith(" = #crew :admin @owner", await owner.NumericAsync("353"));
    }
}
