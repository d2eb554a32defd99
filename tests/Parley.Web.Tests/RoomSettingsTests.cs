using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>Running a room from the page (issue 30): the settings dialog, a member's card, what each role is offered, and what others see.</summary>
public sealed class RoomSettingsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Settings(WebUser user) => user.Page.Locator("#settings-dialog");

    private static async Task CreateRoomAsync(WebUser user, string name)
    {
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await user.Page.GetByLabel("New room name").FillAsync(name);
        await user.Page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(user.ChatTitle).ToHaveTextAsync($"{name} (1)");
    }

    [Fact]
    public async Task The_owner_adds_people_makes_the_room_private_and_moderates_a_member_from_the_page()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await CreateRoomAsync(alice, "Dev");

        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Room settings" }).ClickAsync();
        await Expect(Settings(alice)).ToContainTextAsync("you are an owner");
        await Settings(alice).GetByLabel("Add someone by name").FillAsync("bob");
        await Settings(alice).GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        var added = await bob.NextAsync("join", e => e.GetProperty("room").GetString() == "Dev");
        Assert.Equal("alice", added.GetProperty("by").GetString());
        await Expect(alice.ChatTitle).ToHaveTextAsync("Dev (2)");
        // The dialog has the settings after the addition (a redraw from an older reply could
        // otherwise undo the click below before it is checked).
        await Expect(Settings(alice)).ToContainTextAsync("2 members");

        await Settings(alice).GetByLabel("Private: only people an admin adds can join, and it is not listed").CheckAsync();
        await bob.NextAsync("room_changed", e => e.GetProperty("changes")[0].GetProperty("setting").GetString() == "invite_only");
        Assert.True((await bob.OkAsync("room", new { room = "Dev" })).GetProperty("private").GetBoolean());
        await Settings(alice).GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // bob's card offers an owner everything; each action reaches bob.
        await alice.Member("bob").ClickAsync();
        var card = alice.PersonCard;
        await Expect(card.Locator("#person-actions button")).ToHaveTextAsync(["Message", "Block", "Make admin", "Mute for an hour", "Remove from room", "Ban"]);
        await card.GetByRole(AriaRole.Button, new() { Name = "Make admin" }).ClickAsync();
        await Expect(card.Locator("#person-state")).ToContainTextAsync("admin of Dev");
        await Expect(alice.Member("bob").Locator(".role-tag")).ToHaveTextAsync("admin");
        // The change is a line in the room's history, shown as news rather than a bubble.
        await Expect(alice.Page.Locator("#messages .sep.system").Last).ToHaveTextAsync("alice made bob an admin");
        Assert.Equal("admin", (await bob.OkAsync("room", new { room = "Dev" })).GetProperty("role").GetString());

        await card.GetByRole(AriaRole.Button, new() { Name = "Mute for an hour" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Unmute" })).ToBeVisibleAsync();
        Assert.Equal("muted", await bob.ErrorAsync("send", new { room = "Dev", text = "hello?" }));

        await card.GetByRole(AriaRole.Button, new() { Name = "Remove from room" }).ClickAsync();
        var removed = await bob.NextAsync("leave", e => e.GetProperty("user").GetString() == "bob");
        Assert.Equal("alice", removed.GetProperty("by").GetString());
        await Expect(alice.ChatTitle).ToHaveTextAsync("Dev (1)");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_member_is_not_offered_what_it_may_not_do_and_sees_a_removal_and_a_deletion()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await alice.OkAsync("create", new { room = "Dev", topic = "builds" });
        await using var carol = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await carol.RegisterAsync("carol");
        await alice.OkAsync("invite", new { room = "Dev", user = "carol" });
        await alice.OkAsync("create", new { room = "Ops" });
        await alice.OkAsync("invite", new { room = "Ops", user = "carol" });
        await Expect(carol.Conversation("r:dev")).ToBeVisibleAsync();
        await Expect(carol.Conversation("r:ops")).ToBeVisibleAsync();

        await carol.OpenAsync("Dev");
        await carol.Page.GetByRole(AriaRole.Button, new() { Name = "Room settings" }).ClickAsync();
        var settings = Settings(carol);
        await Expect(settings).ToContainTextAsync("you are a member");
        await Expect(settings.GetByLabel("Only admins and voiced members speak")).ToBeDisabledAsync();
        await Expect(settings.GetByRole(AriaRole.Button, new() { Name = "Delete room" })).ToHaveCountAsync(0);
        await Expect(settings.Locator(".settings-list li[data-user=\"alice\"] .role-tag")).ToHaveTextAsync("owner");
        // The topic is open to members until an admin locks it, which the dialog follows live.
        await Expect(settings.GetByLabel("Topic", new() { Exact = true })).ToBeEnabledAsync();
        await alice.OkAsync("room", new { room = "Dev", topicLocked = true });
        await Expect(settings.GetByLabel("Topic", new() { Exact = true })).ToBeDisabledAsync();
        await settings.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        // The card shows the profile, and blocks from there.
        await alice.OkAsync("profile", new { display = "Alice L.", status = "runs Dev" });
        await carol.Member("alice").ClickAsync();
        await Expect(carol.PersonCard.Locator("#person-name")).ToHaveTextAsync("Alice L.");
        await Expect(carol.PersonCard.Locator("#person-status")).ToHaveTextAsync("runs Dev");
        await Expect(carol.PersonCard.Locator("#person-state")).ToHaveTextAsync("@alice · online · owner of Dev");
        await Expect(carol.PersonCard.Locator("#person-actions button")).ToHaveTextAsync(["Message", "Block"]);
        await carol.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Block" }).ClickAsync();
        await Expect(carol.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Unblock" })).ToBeVisibleAsync();
        Assert.Equal("blocked", await alice.ErrorAsync("send", new { to = "carol", text = "hi" }));
        await carol.PersonCard.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await alice.OkAsync("ban", new { room = "Dev", user = "carol", reason = "spam" });
        await Expect(carol.Banner).ToHaveTextAsync("alice banned you from Dev: spam (click to dismiss)");
        await Expect(carol.Conversation("r:dev")).ToHaveCountAsync(0);
        await carol.Banner.ClickAsync();

        await alice.OkAsync("delete", new { room = "Ops" });
        await Expect(carol.Banner).ToHaveTextAsync("alice deleted the room Ops (click to dismiss)");
        await Expect(carol.Conversation("r:ops")).ToHaveCountAsync(0);
        Assert.Empty(carol.Errors);
    }

    [Fact]
    public async Task The_owner_deletes_a_room_with_a_second_click_and_a_member_leaves_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.OkAsync("create", new { room = "Chat" });
        await bob.OkAsync("invite", new { room = "Chat", user = "alice" });
        await CreateRoomAsync(alice, "Dev");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Room settings" }).ClickAsync();

        var delete = Settings(alice).GetByRole(AriaRole.Button, new() { Name = "Delete room" });
        await delete.ClickAsync();
        var confirm = Settings(alice).GetByRole(AriaRole.Button, new() { Name = "Click again to delete the room and its history" });
        await Expect(confirm).ToBeVisibleAsync();
        Assert.Equal("Dev", (await bob.OkAsync("rooms")).GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("name").GetString()).Single(n => n == "Dev"));
        await confirm.ClickAsync();
        await Expect(Settings(alice)).Not.ToBeVisibleAsync();
        await Expect(alice.Conversation("r:dev")).ToHaveCountAsync(0);
        await Expect(alice.Banner).ToBeHiddenAsync();
        Assert.DoesNotContain("Dev", (await bob.OkAsync("rooms")).GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        await alice.OpenAsync("Chat");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Room settings" }).ClickAsync();
        await Settings(alice).GetByRole(AriaRole.Button, new() { Name = "Leave room" }).ClickAsync();
        await bob.NextAsync("leave", e => e.GetProperty("user").GetString() == "alice");
        await Expect(alice.Conversation("r:chat")).ToHaveCountAsync(0);
        Assert.Empty(alice.Errors);
    }
}
