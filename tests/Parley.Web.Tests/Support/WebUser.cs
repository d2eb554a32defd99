using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Parley.Web.Tests.Support;

/// <summary>
/// One person at one browser: its own context (own localStorage, so own session), one page, and
/// the steps a person takes, found the way a person finds them (labels, visible text) where it can.
/// Records every JavaScript dialog and page error, so a test can assert that none happened.
/// </summary>
public sealed class WebUser : IAsyncDisposable
{
    private WebUser(IBrowserContext context, IPage page, Uri url)
    {
        Context = context;
        Page = page;
        Url = url;
        page.Dialog += (_, dialog) =>
        {
            lock (Dialogs)
                Dialogs.Add($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) =>
        {
            lock (Errors)
                Errors.Add(error);
        };
        // Subscribed before the page loads: the page opens its WebSocket as soon as it starts.
        page.WebSocket += (_, socket) =>
        {
            socket.FrameSent += (_, frame) => Record(sentFrames, frame.Text);
            socket.FrameReceived += (_, frame) => Record(receivedFrames, frame.Text);
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (Errors)
                    Errors.Add(message.Text);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Uri Url { get; }

    public string Name { get; private set; } = "";

    /// <summary>alert/confirm/prompt dialogs the page opened (a script ran that should not have).</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Uncaught exceptions and CSP violations reported by the page.</summary>
    public List<string> Errors { get; } = [];

    private readonly List<string> sentFrames = [];
    private readonly List<string> receivedFrames = [];

    /// <summary>The text frames the page has sent on its WebSockets so far, oldest first.</summary>
    public IReadOnlyList<string> SentFrames() => Snapshot(sentFrames);

    /// <summary>The text frames the page has received on its WebSockets so far, oldest first.</summary>
    public IReadOnlyList<string> ReceivedFrames() => Snapshot(receivedFrames);

    private static void Record(List<string> frames, string? text)
    {
        if (text is null)
            return;
        lock (frames)
            frames.Add(text);
    }

    private static List<string> Snapshot(List<string> frames)
    {
        lock (frames)
            return [.. frames];
    }

    /// <param name="prepare">Runs on the new context before the page loads: init scripts, permissions.</param>
    public static async Task<WebUser> OpenAsync(IBrowser browser, Uri url, (int Width, int Height)? viewport = null,
        Func<IBrowserContext, Task>? prepare = null)
    {
        var (width, height) = viewport ?? Viewports.Desktop;
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            IsMobile = width < 700,
            HasTouch = width < 700,
            DeviceScaleFactor = 1,
        });
        if (prepare is not null)
            await prepare(context);
        var page = await context.NewPageAsync();
        var user = new WebUser(context, page, url);
        await page.GotoAsync(url.ToString());
        return user;
    }

    public ILocator LoginScreen => Page.Locator("#login");

    public ILocator App => Page.Locator("#app");

    public ILocator Banner => Page.Locator("#banner");

    public ILocator Bubbles => Page.Locator("#messages .msg .bubble");

    public ILocator ChatTitle => Page.Locator("#chat-title");

    public ILocator Conversation(string key) => Page.Locator($".conv[data-key=\"{key}\"]");

    public ILocator Badge(string key) => Conversation(key).Locator(".badge");

    public ILocator Member(string user) => Page.Locator($"#member-list .member[data-user=\"{user}\"]");

    /// <summary>The person card a member row opens (views/personCard.js).</summary>
    public ILocator PersonCard => Page.Locator("#person-dialog");

    /// <summary>Clicks a member of the open room, then Message on its card: a direct conversation opens.</summary>
    public async Task MessageMemberAsync(string user)
    {
        await Member(user).ClickAsync();
        await PersonCard.GetByRole(AriaRole.Button, new() { Name = "Message" }).ClickAsync();
    }

    public Task RegisterAsync(string name, string password = "password1") => SignInAsync(name, password, "Create account");

    public Task LoginAsync(string name, string password = "password1") => SignInAsync(name, password, "Sign in");

    private async Task SignInAsync(string name, string password, string button)
    {
        Name = name;
        await Page.GetByLabel("User name").FillAsync(name);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Expect(App).ToBeVisibleAsync();
        await Expect(Page.Locator("#me-avatar")).ToHaveAttributeAsync("data-user", name);
    }

    /// <summary>Opens a room ("lobby") or direct conversation ("@bob") from the list.</summary>
    public async Task OpenAsync(string conversation)
    {
        var key = conversation.StartsWith('@') ? $"d:{conversation[1..].ToLowerInvariant()}" : $"r:{conversation.ToLowerInvariant()}";
        await Conversation(key).ClickAsync();
        await Expect(ChatTitle).ToContainTextAsync(conversation.TrimStart('@'));
    }

    /// <summary>Types into the message box and presses Enter.</summary>
    public async Task SendAsync(string text)
    {
        var input = Page.GetByLabel("Message", new() { Exact = true });
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        await Expect(input).ToHaveValueAsync("");
    }

    /// <summary>A bubble with exactly this text, once it is there.</summary>
    public ILocator Bubble(string text) => Page.Locator("#messages").GetByText(text, new() { Exact = true });

    public Task<string?> TokenAsync() => Page.EvaluateAsync<string?>("() => localStorage.getItem('parley.token')");

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
