using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Parley.Tests.Support;
using Parley.Web.Tests.Support;
using SkiaSharp;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests;

/// <summary>
/// Pictures and files in the web page (issue 28) against the real server: picked, pasted and
/// dropped into the composer, uploaded with a cancel, refused before uploading when too big;
/// received as thumbnails sized before they load, opened in the viewer, or as cards that download.
/// </summary>
public sealed class FileWebTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static ILocator Row(WebUser user, long seq) => user.Page.Locator($"#messages [data-seq=\"{seq}\"]");

    private static ILocator Input(WebUser user) => user.Page.GetByLabel("Message", new() { Exact = true });

    private static readonly byte[] Sunset = TestFiles.Png(800, 600, new SKColor(240, 140, 60));
    private static readonly byte[] Tall = TestFiles.Png(300, 600, new SKColor(60, 120, 220));

    /// <summary>A TCP user and the token its sign-in gave, for uploads over HTTP.</summary>
    private static async Task<(LineClient Client, string Token)> RegisterAsync(TestServer server, string user)
    {
        var client = await server.ConnectAsync();
        var reply = await client.OkAsync("register", new { user, password = "password1" });
        return (client, reply.GetProperty("token").GetString()!);
    }

    /// <summary>Uploads a file as a native client does and sends it to the room with a caption; the send reply.</summary>
    private static async Task<JsonElement> SendFileAsync(TestServer server, LineClient client, string token, byte[] bytes, string name, string caption, string room = "lobby")
    {
        using var http = new FileHttp(server.HttpUri);
        var id = await http.UploadIdAsync(token, bytes, name);
        return await client.OkAsync("send", new { room, text = caption, attachments = new[] { id } });
    }

    private static long Seq(JsonElement reply) => reply.GetProperty("message").GetProperty("seq").GetInt64();

    private static async Task<(double Width, double Height)> BoxAsync(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException("not laid out");
        return (box.Width, box.Height);
    }

    private static Task<int> NaturalWidthAsync(ILocator img) => img.EvaluateAsync<int>("img => img.naturalWidth");

    [Fact]
    public async Task A_picked_picture_with_a_caption_reaches_the_other_user_sized_before_it_loads_and_opens_in_the_viewer()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await using var bob = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await bob.RegisterAsync("bob");
        await alice.OpenAsync("lobby");
        await bob.OpenAsync("lobby");

        // Bob's thumbnails are held on their way until the test has measured the empty box.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await bob.Page.RouteAsync("**/api/thumbs/**", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await alice.PickFilesAsync(FileActions.File("sunset.png", "image/png", Sunset));
        var chip = alice.Uploads();
        await Expect(chip).ToHaveCountAsync(1);
        await Expect(chip).ToHaveAttributeAsync("data-state", "done");
        await Expect(chip.Locator(".upload-name")).ToHaveTextAsync("sunset.png");
        await Expect(chip.Locator("img.upload-thumb")).ToBeVisibleAsync();
        await Input(alice).FillAsync("the view from the office");
        await Input(alice).PressAsync("Enter");
        await Expect(alice.Uploads()).ToHaveCountAsync(0);
        await Expect(Input(alice)).ToHaveValueAsync("");

        // 800×600 shows at 240×180 in bob's page before a byte of the thumbnail came.
        var message = bob.Page.Locator("#messages .msg.theirs").First;
        var thumb = message.Locator(".attach-picture.single img");
        await Expect(thumb).ToBeVisibleAsync();
        await Expect(message.Locator(".bubble.caption")).ToHaveTextAsync("the view from the office");
        Assert.Equal(0, await NaturalWidthAsync(thumb));
        Assert.Equal((240, 180), await BoxAsync(thumb));
        var rowHeight = (await BoxAsync(message)).Height;
        release.SetResult();
        await Expect(thumb).ToHaveJSPropertyAsync("complete", true);
        await Until.TrueAsync(async () => await NaturalWidthAsync(thumb) > 0, "the thumbnail loads");
        Assert.Equal(320, await NaturalWidthAsync(thumb)); // the server's thumbnail, at most 320 a side
        Assert.Equal((240, 180), await BoxAsync(thumb));
        Assert.Equal(rowHeight, (await BoxAsync(message)).Height);
        // Alice's own message shows it too, and her list says what it is.
        await Expect(alice.Page.Locator("#messages .msg.mine .attach-picture img")).ToHaveAttributeAsync("width", "240");
        await Expect(alice.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("[image] the view from the office");
        await Expect(bob.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("alice: [image] the view from the office");

        // A second, tall picture, with no caption: 300×600 is 150×300.
        await alice.PickFilesAsync(FileActions.File("tall.png", "image/png", Tall));
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await Expect(alice.Page.Locator("#send")).ToBeEnabledAsync();
        await alice.Page.Locator("#send").ClickAsync();
        var second = bob.Page.Locator("#messages .msg.theirs").Nth(1).Locator(".attach-picture img");
        await Expect(second).ToHaveAttributeAsync("alt", "tall.png");
        Assert.Equal((150, 300), await BoxAsync(second));
        await Expect(bob.Page.Locator("#messages .msg.theirs").Nth(1).Locator(".bubble")).ToHaveCountAsync(0);

        // The viewer: full size, name, place, download; arrows go between the two; Escape closes.
        var viewer = bob.Page.Locator("#viewer");
        var image = bob.Page.Locator("#viewer-image");
        await thumb.ClickAsync();
        await Expect(viewer).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("#viewer-name")).ToHaveTextAsync("sunset.png");
        await Expect(bob.Page.Locator("#viewer-count")).ToHaveTextAsync("1 / 2");
        await Expect(image).ToHaveAttributeAsync("src", new Regex(@"^/api/files/[0-9a-f]{32}/sunset\.png\?"));
        await Until.TrueAsync(async () => await NaturalWidthAsync(image) == 800, "the full picture loads");
        Assert.Equal((800, 600), await BoxAsync(image));
        var download = bob.Page.Locator("#viewer-download");
        await Expect(download).ToHaveAttributeAsync("download", "sunset.png");
        Assert.Equal(await image.GetAttributeAsync("src"), await download.GetAttributeAsync("href"));

        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(bob.Page.Locator("#viewer-name")).ToHaveTextAsync("tall.png");
        await Expect(bob.Page.Locator("#viewer-count")).ToHaveTextAsync("2 / 2");
        await Expect(bob.Page.Locator("#viewer-next")).ToBeDisabledAsync();
        await bob.Page.Keyboard.PressAsync("ArrowRight");
        await Expect(bob.Page.Locator("#viewer-name")).ToHaveTextAsync("tall.png");
        await bob.Page.Keyboard.PressAsync("ArrowLeft");
        await Expect(bob.Page.Locator("#viewer-name")).ToHaveTextAsync("sunset.png");
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToBeHiddenAsync();

        // A click on the picture closes it as well; the next arrow goes nowhere.
        await second.ClickAsync();
        await Expect(bob.Page.Locator("#viewer-name")).ToHaveTextAsync("tall.png");
        await image.ClickAsync();
        await Expect(viewer).ToBeHiddenAsync();
        Assert.Empty(alice.Errors);
        Assert.Empty(bob.Errors);
    }

    [Fact]
    public async Task A_pasted_picture_and_a_dropped_file_each_go_as_a_message()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RegisterAsync(server, "bob");
        await using var bobConnection = bob;
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        // A screenshot pasted from the clipboard has no name: it gets one from the time.
        await alice.PasteFileAsync(FileActions.File("", "image/png", TestFiles.Png(64, 48, new SKColor(10, 160, 90))));
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await Expect(alice.Uploads().Locator(".upload-name")).ToHaveTextAsync(new Regex(@"^pasted-\d{8}-\d{6}\.png$"));
        await Input(alice).PressAsync("Enter");
        var pasted = await bob.NextAsync("message", m => m.TryGetProperty("attachments", out _));
        Assert.Equal("", pasted.GetProperty("text").GetString());
        var file = Assert.Single(pasted.GetProperty("attachments").EnumerateArray().ToList());
        Assert.Equal("image/png", file.GetProperty("type").GetString());
        Assert.Equal(64, file.GetProperty("width").GetInt32());
        Assert.Matches(@"^pasted-\d{8}-\d{6}\.png$", file.GetProperty("name").GetString());
        // Too small to scale: its own size, but never under 48 a side.
        await Expect(alice.Page.Locator("#messages .msg.mine .attach-picture img")).ToHaveAttributeAsync("width", "64");

        // A file dragged over the conversation shows where it goes; dropped, it joins the tray.
        var notes = "meeting notes\nfirst: the logo\n"u8.ToArray();
        await alice.DragFileOverAsync(FileActions.File("notes.txt", "text/plain", notes));
        await Expect(alice.Page.Locator("#drop-target")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#drop-target")).ToHaveTextAsync("Drop to send to lobby");
        await alice.DropAsync();
        await Expect(alice.Page.Locator("#drop-target")).ToBeHiddenAsync();
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await alice.SendAsync("notes from today");
        var dropped = await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "notes from today");
        var notesFile = Assert.Single(dropped.GetProperty("attachments").EnumerateArray().ToList());
        Assert.Equal(("notes.txt", "text/plain", notes.Length),
            (notesFile.GetProperty("name").GetString(), notesFile.GetProperty("type").GetString(), notesFile.GetProperty("size").GetInt32()));
        var card = alice.Page.Locator("#messages .msg.mine").Last.Locator(".file-card");
        await Expect(card.Locator(".file-name")).ToHaveTextAsync("notes.txt");
        await Expect(card.Locator(".file-icon")).ToHaveTextAsync("TXT");
        await Expect(alice.Page.Locator("#messages .msg.mine").Last.Locator(".bubble.caption")).ToHaveTextAsync("notes from today");

        // Two files in one paste and one pick: one message with both.
        await alice.PasteFileAsync(FileActions.File("a.png", "image/png", TestFiles.Png(100, 100, SKColors.Gold)));
        await alice.PickFilesAsync(FileActions.File("b.png", "image/png", TestFiles.Png(100, 100, SKColors.Teal)));
        await Expect(alice.Uploads()).ToHaveCountAsync(2);
        await Expect(alice.Uploads().Nth(1)).ToHaveAttributeAsync("data-state", "done");
        await Expect(alice.Uploads().Nth(0)).ToHaveAttributeAsync("data-state", "done");
        await alice.Page.Locator("#send").ClickAsync();
        var both = await bob.NextAsync("message", m => m.TryGetProperty("attachments", out var a) && a.GetArrayLength() == 2);
        Assert.Equal(["a.png", "b.png"], both.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        await Expect(alice.Page.Locator("#messages .msg.mine").Last.Locator(".attach-grid .attach-picture")).ToHaveCountAsync(2);
        await Expect(alice.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("[2 images]");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task A_file_that_is_not_a_picture_shows_as_a_card_whose_link_downloads_it()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, token) = await RegisterAsync(server, "bob");
        await using var bobConnection = bob;
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var pdf = TestFiles.Pdf(150_000);
        await SendFileAsync(server, bob, token, pdf, "Q4 report.pdf", "the numbers");
        var card = alice.Page.Locator("#messages .msg.theirs .file-card");
        await Expect(card.Locator(".file-name")).ToHaveTextAsync("Q4 report.pdf");
        await Expect(card.Locator(".file-size")).ToHaveTextAsync("146 KB");
        await Expect(card.Locator(".file-icon")).ToHaveTextAsync("PDF");
        await Expect(card.Locator(".file-icon")).ToHaveClassAsync(new Regex(@"\bpdf\b"));
        await Expect(card).ToHaveAttributeAsync("download", "Q4 report.pdf");
        await Expect(alice.Page.Locator("#messages .msg.theirs .bubble.caption")).ToHaveTextAsync("the numbers");
        await Expect(alice.Conversation("r:lobby").Locator(".conv-preview")).ToHaveTextAsync("bob: [file] Q4 report.pdf the numbers");

        var download = await alice.Page.RunAndWaitForDownloadAsync(() => card.ClickAsync());
        Assert.Equal("Q4 report.pdf", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"parley-download-{Guid.NewGuid():N}.pdf");
        try
        {
            await download.SaveAsAsync(saved);
            Assert.Equal(pdf, await File.ReadAllBytesAsync(saved));
        }
        finally
        {
            File.Delete(saved);
        }
        // Still the conversation: a download does not navigate away.
        await Expect(alice.ChatTitle).ToContainTextAsync("lobby");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Replies_edits_and_recalls_work_with_messages_of_files()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, token) = await RegisterAsync(server, "bob");
        await using var bobConnection = bob;
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        var picture = Seq(await SendFileAsync(server, bob, token, Sunset, "sunset.png", ""));
        await Expect(Row(alice, picture).Locator(".attach-picture img")).ToBeVisibleAsync();

        // Reply from the menu: the composer and the quote say "[image]".
        await Row(alice, picture).Locator(".msg-line").HoverAsync();
        await Row(alice, picture).Locator(".msg-more").ClickAsync();
        await Row(alice, picture).Locator(".msg-menu").GetByRole(AriaRole.Menuitem, new() { Name = "Reply", Exact = true }).ClickAsync();
        await Expect(alice.Page.Locator("#composer-context")).ToContainTextAsync("Replying to bob: [image]");
        await alice.SendAsync("lovely");
        var reply = await bob.NextAsync("message", m => m.GetProperty("text").GetString() == "lovely");
        Assert.Equal(picture, reply.GetProperty("replyTo").GetInt64());
        var quote = alice.Page.Locator("#messages .msg.mine .msg-quote");
        await Expect(quote).ToHaveTextAsync("bob: [image]");

        // A reply with a file quotes above the file.
        using var http = new FileHttp(server.HttpUri);
        var plan = await http.UploadIdAsync(token, TestFiles.Pdf(), "plan.pdf");
        var pdf = Seq(await bob.OkAsync("send", new { room = "lobby", text = "see page 2", replyTo = reply.GetProperty("seq").GetInt64(), attachments = new[] { plan } }));
        await Expect(Row(alice, pdf).Locator(".msg-media > .msg-quote")).ToHaveTextAsync("alice: lovely");
        await Expect(Row(alice, pdf).Locator(".file-card .file-name")).ToHaveTextAsync("plan.pdf");

        // An edit changes the caption and keeps the file.
        await bob.OkAsync("edit", new { room = "lobby", seq = pdf, text = "see page 3" });
        await Expect(Row(alice, pdf).Locator(".bubble.caption")).ToContainTextAsync("see page 3");
        await Expect(Row(alice, pdf).Locator(".msg-edited")).ToHaveTextAsync("(edited)");
        await Expect(Row(alice, pdf).Locator(".file-card .file-name")).ToHaveTextAsync("plan.pdf");

        // A recall takes the picture away; the reply's quote says so.
        await bob.OkAsync("recall", new { room = "lobby", seq = picture });
        await Expect(Row(alice, picture)).ToHaveTextAsync("bob recalled a message");
        await Expect(Row(alice, picture).Locator("img")).ToHaveCountAsync(0);
        await Expect(quote).ToHaveTextAsync("a recalled message");
        // A reload shows the same.
        await alice.Page.ReloadAsync();
        await Expect(Row(alice, picture)).ToHaveTextAsync("bob recalled a message");
        await Expect(Row(alice, pdf).Locator(".file-card .file-name")).ToHaveTextAsync("plan.pdf");
        await Expect(Row(alice, pdf).Locator(".bubble.caption")).ToContainTextAsync("see page 3");
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Cancelling_an_upload_on_its_way_removes_it_and_sends_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        // Uploads are held on their way, so the pending state stays to be looked at; downloads pass.
        var held = 0;
        var failed = 0;
        var never = new TaskCompletionSource();
        await alice.Page.RouteAsync("**/api/files*", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }
            Interlocked.Increment(ref held);
            await never.Task; // neither continued nor answered: the page cancels it
        });
        alice.Page.RequestFailed += (_, request) =>
        {
            if (request.Url.Contains("/api/files") && request.Method == "POST")
                Interlocked.Increment(ref failed);
        };

        await alice.PickFilesAsync(FileActions.File("big.bin", "application/octet-stream", new byte[400_000]));
        var chip = alice.Uploads();
        await Expect(chip).ToHaveAttributeAsync("data-state", "uploading");
        await Expect(chip.Locator("progress")).ToBeVisibleAsync();
        await Expect(chip.Locator(".upload-status")).ToContainTextAsync("391 KB");
        await Until.TrueAsync(() => Volatile.Read(ref held) == 1, "the upload reaches the network");

        // Nothing goes while a file is on its way, caption or not: Send waits, Enter says why.
        await Input(alice).FillAsync("wait for it");
        await Expect(alice.Page.Locator("#send")).ToBeDisabledAsync();
        await Input(alice).PressAsync("Enter");
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("the files are still uploading; send when they are done");
        await Expect(Input(alice)).ToHaveValueAsync("wait for it");

        await chip.GetByRole(AriaRole.Button, new() { Name = "Cancel upload of big.bin" }).ClickAsync();
        await Expect(alice.Uploads()).ToHaveCountAsync(0);
        await Until.TrueAsync(() => Volatile.Read(ref failed) == 1, "the upload request is aborted");
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("");
        await Expect(alice.Page.Locator("#send")).ToBeEnabledAsync();
        await Expect(Input(alice)).ToHaveValueAsync("wait for it");
        Assert.DoesNotContain(alice.SentFrames(), frame => frame.Contains("\"send\""));
        await Expect(alice.Bubbles).ToHaveCountAsync(0);
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Files_over_the_limits_are_refused_before_uploading_and_the_server_s_refusals_show_with_their_code()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxUploadBytes"] = "100000", ["Limits:MaxAttachments"] = "2" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        var uploads = 0;
        alice.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/files") && request.Method == "POST")
                Interlocked.Increment(ref uploads);
        };
        await alice.RegisterAsync("alice");
        await alice.OpenAsync("lobby");

        await alice.PickFilesAsync(FileActions.File("video.mp4", "video/mp4", new byte[150_000]));
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("video.mp4 is too large to send (146 KB; files are at most 98 KB)");
        await Expect(alice.Uploads()).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#send")).ToBeDisabledAsync();
        Assert.Equal(0, Volatile.Read(ref uploads));

        // What the server refuses shows with its code, on the file and under the input.
        await alice.PickFilesAsync(FileActions.File("broken.png", "image/png", TestFiles.BrokenPng()));
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "failed");
        await Expect(alice.Uploads().Locator(".upload-status")).ToHaveTextAsync("the picture cannot be read (bad_image)");
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("broken.png was not uploaded: the picture cannot be read (bad_image)");
        await Expect(alice.Page.Locator("#send")).ToBeDisabledAsync();
        await alice.Uploads().GetByRole(AriaRole.Button, new() { Name = "Remove broken.png" }).ClickAsync();
        await Expect(alice.Uploads()).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("");

        // Beyond the server's files a message: the rest are left out, and it says so.
        await alice.PickFilesAsync(
            FileActions.File("1.txt", "text/plain", "one"u8.ToArray()),
            FileActions.File("2.txt", "text/plain", "two"u8.ToArray()),
            FileActions.File("3.txt", "text/plain", "three"u8.ToArray()));
        await Expect(alice.Uploads()).ToHaveCountAsync(2);
        await Expect(alice.Page.Locator("#composer-error")).ToHaveTextAsync("at most 2 files go in one message; 1 was left out");
        await Expect(alice.Uploads().Nth(1)).ToHaveAttributeAsync("data-state", "done");
        await Expect(alice.Uploads().Nth(0)).ToHaveAttributeAsync("data-state", "done");
        await alice.Page.Locator("#send").ClickAsync();
        await Expect(alice.Page.Locator("#messages .msg.mine .file-card")).ToHaveCountAsync(2);
        Assert.Equal(3, Volatile.Read(ref uploads));
        Assert.Empty(alice.Errors);
    }

    [Fact]
    public async Task Screenshots_of_a_conversation_with_pictures_and_files_on_a_desktop_and_a_phone()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, bobToken) = await RegisterAsync(server, "bob");
        var (carol, carolToken) = await RegisterAsync(server, "carol_li");
        await using var bobConnection = bob;
        await using var carolConnection = carol;
        await bob.OkAsync("create", new { room = "design", topic = "Logo, colours and the new landing page" });
        await carol.OkAsync("join", new { room = "design" });
        await using var alice = await WebUser.OpenAsync(browser.Browser, server.HttpUri);
        await alice.RegisterAsync("alice");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Create or join a room" }).First.ClickAsync();
        await alice.Page.Locator(".room-row[data-room=\"design\"]").GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        await Expect(alice.ChatTitle).ToHaveTextAsync("design (3)");

        using var http = new FileHttp(server.HttpUri);
        var hero = TestFiles.Landscape(1600, 1000, new SKColor(120, 170, 235), new SKColor(60, 130, 80));
        await SendFileAsync(server, bob, bobToken, hero, "hero-draft.jpg", "Draft of the landing page hero", "design");
        await carol.OkAsync("send", new
        {
            room = "design", text = "The colour section is on page 12",
            attachments = new[]
            {
                await http.UploadIdAsync(carolToken, TestFiles.Pdf(2_400_000), "Brand guidelines v3.pdf"),
                await http.UploadIdAsync(carolToken, [(byte)'P', (byte)'K', 3, 4, .. new byte[180_000]], "logo-exports.zip"),
            },
        });
        await bob.OkAsync("send", new
        {
            room = "design", text = "Photos from yesterday's shoot",
            attachments = new[]
            {
                await http.UploadIdAsync(bobToken, TestFiles.Landscape(1200, 900, new SKColor(250, 170, 120), new SKColor(110, 80, 60)), "shoot-1.jpg"),
                await http.UploadIdAsync(bobToken, TestFiles.Landscape(900, 1200, new SKColor(90, 120, 200), new SKColor(40, 70, 110)), "shoot-2.jpg"),
                await http.UploadIdAsync(bobToken, TestFiles.Landscape(1200, 1200, new SKColor(170, 210, 240), new SKColor(90, 160, 90)), "shoot-3.jpg"),
            },
        });
        await Expect(alice.Conversation("r:design").Locator(".conv-preview")).ToHaveTextAsync("bob: [3 images] Photos from yesterday's shoot");
        await alice.PickFilesAsync(FileActions.File("palette.png", "image/png",
            TestFiles.Swatches(900, 360, new SKColor(7, 193, 96), new SKColor(250, 81, 81), new SKColor(76, 155, 255), new SKColor(245, 197, 66))));
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await alice.SendAsync("Palette options for the buttons");
        await Expect(alice.Conversation("r:design").Locator(".conv-preview")).ToHaveTextAsync("[image] Palette options for the buttons");
        await Expect(alice.Page.Locator("#messages .msg")).ToHaveCountAsync(4);
        await Expect(alice.Page.Locator("#messages .attach-thumb")).ToHaveCountAsync(5);
        await Until.TrueAsync(async () => await alice.Page.Locator("#messages .attach-thumb").EvaluateAllAsync<bool>(
            "imgs => imgs.every((img) => img.complete && img.naturalWidth > 0)"), "every thumbnail loads");

        // A file ready in the tray with a caption being written, so the picture shows the composer's part.
        await alice.PickFilesAsync(FileActions.File("mobile-mockup.png", "image/png", TestFiles.Swatches(400, 800, new SKColor(7, 193, 96))));
        await Expect(alice.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await Input(alice).FillAsync("And the mobile mockup");
        await Screenshots.SaveAsync(alice.Page, "files-desktop.png", commit: true);

        await alice.Page.Locator("#messages .attach-picture.single").First.ClickAsync();
        await Expect(alice.Page.Locator("#viewer-name")).ToHaveTextAsync("hero-draft.jpg");
        await Expect(alice.Page.Locator("#viewer-count")).ToHaveTextAsync("1 / 5");
        await Until.TrueAsync(async () => await NaturalWidthAsync(alice.Page.Locator("#viewer-image")) == 1600, "the full picture loads");
        await Screenshots.SaveAsync(alice.Page, "files-viewer.png", commit: true);
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(alice.Page.Locator("#viewer")).ToBeHiddenAsync();

        // The phone: the paperclip picks a picture, which goes; then the conversation as it shows there.
        await using var phone = await WebUser.OpenAsync(browser.Browser, server.HttpUri, Viewports.Phone);
        await phone.LoginAsync("alice");
        await phone.OpenAsync("design");
        await phone.PickFilesAsync(FileActions.File("whiteboard.jpg", "image/jpeg",
            TestFiles.Landscape(1000, 750, new SKColor(235, 235, 230), new SKColor(150, 150, 150))));
        await Expect(phone.Uploads()).ToHaveAttributeAsync("data-state", "done");
        await Screenshots.SaveAsync(phone.Page, "files-phone-tray.png", commit: false);
        await phone.Page.Locator("#send").ClickAsync();
        await Expect(phone.Page.Locator("#messages .msg")).ToHaveCountAsync(5);
        await Expect(phone.Page.Locator("#messages .msg.mine").Last.Locator(".attach-picture img")).ToHaveAttributeAsync("width", "240");
        await Until.TrueAsync(async () => await phone.Page.Locator("#messages .attach-thumb").EvaluateAllAsync<bool>(
            "imgs => imgs.every((img) => img.complete && img.naturalWidth > 0)"), "every thumbnail loads");
        await phone.Page.Locator("#messages-scroll").EvaluateAsync("s => { s.scrollTop = s.scrollHeight; }");
        await Screenshots.SaveAsync(phone.Page, "files-phone.png", commit: true);
        await phone.Page.Locator("#messages .attach-picture.single").Last.ClickAsync();
        await Expect(phone.Page.Locator("#viewer-name")).ToHaveTextAsync("whiteboard.jpg");
        await Screenshots.SaveAsync(phone.Page, "files-phone-viewer.png", commit: false);
        await phone.Page.Locator("#viewer-close").ClickAsync();
        await Expect(phone.Page.Locator("#viewer")).ToBeHiddenAsync();
        Assert.Empty(alice.Errors);
        Assert.Empty(phone.Errors);
    }
}
