using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>
/// People in the terminal: /find (the directory), /who NAME (a profile), /block and /unblock,
/// /display and /status (one's own profile). A blocked user's room messages are collapsed to one
/// line, as the server leaves that to clients (docs/protocol.md, <c>block</c>).
/// </summary>
public sealed partial class ChatApp
{
    /// <summary>Who this user blocks: from the sign-in, then its own /block and its other sessions' <see cref="BlockChanged"/>.</summary>
    private readonly HashSet<string> _blocked = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A page of the directory a terminal shows at once.</summary>
    private const int FindPage = 20;

    // Where /find more goes on: the prefix and the cursor of the next page.
    private (string Prefix, string After)? _findNext;

    private void RememberBlocked(IEnumerable<string> names)
    {
        lock (_blocked)
            _blocked.UnionWith(names);
    }

    private void SetBlocked(string name, bool on)
    {
        lock (_blocked)
        {
            if (on)
                _blocked.Add(name);
            else
                _blocked.Remove(name);
        }
    }

    /// <summary>A message as printed: a blocked user's room message is one collapsed line (its DMs never arrive).</summary>
    private string Shown(ChatMessage message, bool replayed = false)
    {
        Keep(message);
        return IsHidden(message)
            ? format.Info($"#{message.Room}: a message from {TerminalText.Neutralise(message.From)} (blocked) is hidden")
            : format.Message(message, replayed, QuotedBy(message));
    }

    private bool IsHidden(ChatMessage message)
    {
        lock (_blocked)
            return message.Room is not null && _blocked.Contains(message.From);
    }

    private async Task<bool> Find(string args)
    {
        var prefix = args.TrimStart('@');
        string? after = null;
        if (args.Equals("more", StringComparison.OrdinalIgnoreCase) && _findNext is { } next)
            (prefix, after) = next;
        var page = await client.FindUsersAsync(prefix, FindPage, after);
        _findNext = page.Next is { } cursor ? (prefix, cursor) : null;
        if (page.Users.Count == 0)
        {
            view.Print(format.Info(prefix.Length == 0 ? "no users" : $"no user's name starts with '{TerminalText.Neutralise(prefix)}'"));
            return true;
        }
        foreach (var person in page.Users)
            view.Print(format.Info(Describe(person)));
        if (page.Next is not null)
            view.Print(format.Info("/find more for the next page"));
        return true;
    }

    private async Task<bool> Profile(string name)
    {
        view.Print(format.Info(Describe(await client.ProfileAsync(name.TrimStart('@')))));
        return true;
    }

    private static string Describe(Person person)
    {
        var display = person.Display is { } d ? $" ({TerminalText.Neutralise(d)})" : "";
        var status = person.Status is { } s ? $" — {TerminalText.Neutralise(s)}" : "";
        var blocked = person.Blocked ? ", blocked by you" : "";
        return $"{TerminalText.Neutralise(person.User)}{display}: {(person.Online ? "online" : "offline")}{blocked}{status}";
    }

    private Task<bool> Block(string args) => BlockAsync("block", args, on: true);

    private Task<bool> Unblock(string args) => BlockAsync("unblock", args, on: false);

    private async Task<bool> BlockAsync(string command, string args, bool on)
    {
        if (Usage(command, args))
            return true;
        var name = await client.BlockAsync(args.TrimStart('@'), on);
        SetBlocked(name, on);
        view.Print(format.Info(on
            ? $"blocked {TerminalText.Neutralise(name)}: their direct messages are refused and their room messages hidden"
            : $"unblocked {TerminalText.Neutralise(name)}"));
        return true;
    }

    private async Task<bool> Display(string args)
    {
        if (Usage("display", args))
            return true;
        var me = await client.SetProfileAsync(display: args == ClearTopic ? "" : args);
        view.Print(format.Info(me.Display is null ? "cleared your display name" : $"your display name: {TerminalText.Neutralise(me.Display)}"));
        return true;
    }

    private async Task<bool> Status(string args)
    {
        if (Usage("status", args))
            return true;
        var me = await client.SetProfileAsync(status: args == ClearTopic ? "" : args);
        view.Print(format.Info(me.Status is null ? "cleared your status" : $"your status: {TerminalText.Neutralise(me.Status)}"));
        return true;
    }
}
