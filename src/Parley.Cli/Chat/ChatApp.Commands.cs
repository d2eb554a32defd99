using System.Collections.Frozen;
using System.Text;
using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

public sealed partial class ChatApp
{
    private sealed record SlashCommand(string Usage, string Help, Func<ChatApp, string, Task<bool>> Run);

    /// <summary>The commands in the order /help lists them.</summary>
    private static readonly (string Name, SlashCommand Command)[] CommandTable =
    [
        ("join", new("/join ROOM", "join a room and switch to it", (app, args) => app.Join(args))),
        ("leave", new("/leave [ROOM]", "leave a room (the current one by default)", (app, args) => app.Leave(args))),
        ("create", new("/create ROOM [topic]", "create a room and switch to it", (app, args) => app.Create(args))),
        ("rooms", new("/rooms", "list the rooms", (app, _) => app.Rooms())),
        ("switch", new("/switch ROOM|@USER", "talk in another room or to a user", (app, args) => app.Switch(args))),
        ("topic", new("/topic [TEXT]", "show the current room's topic, or set it (/topic --clear clears it)", (app, args) => app.Topic(args))),
        ("msg", new("/msg USER TEXT", "send a direct message", (app, args) => app.Msg(args))),
        ("users", new("/users", "who is online", (app, _) => app.Users())),
        ("who", new("/who [more|NAME]", "members of the current room, online first, a page at a time (/who more: the next page); /who NAME: a person's profile", (app, args) => app.Who(args))),
        ("find", new("/find PREFIX", "find people by the start of their name (/find more: the next page)", (app, args) => app.Find(args))),
        ("block", new("/block USER", "refuse USER's direct messages and hide their room messages", (app, args) => app.Block(args))),
        ("unblock", new("/unblock USER", "undo /block", (app, args) => app.Unblock(args))),
        ("display", new("/display NAME", "set the name others see for you (/display --clear clears it)", (app, args) => app.Display(args))),
        ("status", new("/status TEXT", "set your status (/status --clear clears it)", (app, args) => app.Status(args))),
        ("reply", new("/reply SEQ TEXT", "answer message [SEQ] here, quoting it", (app, args) => app.Reply(args))),
        ("edit", new("/edit SEQ TEXT", "replace the text of your message [SEQ] (within 15 minutes)", (app, args) => app.Edit(args))),
        ("recall", new("/recall SEQ", "take back your message [SEQ] (within 2 minutes; room admins any)", (app, args) => app.Recall(args))),
        ("react", new("/react SEQ EMOJI", "react to message [SEQ] with one emoji", (app, args) => app.React(args))),
        ("unreact", new("/unreact SEQ EMOJI", "take back your reaction", (app, args) => app.Unreact(args))),
        ("search", new("/search TEXT", "find messages holding TEXT in your rooms and direct messages, newest first (/search more: older ones)", (app, args) => app.Search(args))),
        ("history", new("/history [N]", "show the last N messages here (default 20)", (app, args) => app.History(args))),
        ("send", new("/send PATH [caption]", "send a file here, with progress; \"quote\" a path with spaces", (app, args) => app.SendFile("send", args))),
        ("upload", new("/upload PATH [caption]", "the same as /send", (app, args) => app.SendFile("upload", args))),
        ("cancel", new("/cancel", "stop the files being sent", (app, _) => app.CancelUploads())),
        ("room", new("/room", "the current room's settings, roles, bans and mutes", (app, _) => app.RoomInfo())),
        ("invite", new("/invite USER", "add a user to the current room", (app, args) => app.OnMember("invite", args))),
        ("kick", new("/kick USER [reason]", "remove a member (admins)", (app, args) => app.OnMember("kick", args))),
        ("ban", new("/ban USER [30m|2h|7d] [reason]", "ban a user, for a while or until /unban (admins)", (app, args) => app.OnMember("ban", args))),
        ("unban", new("/unban USER", "lift a ban (admins)", (app, args) => app.OnMember("unban", args))),
        ("mute", new("/mute USER [30m|2h|7d]", "silence a member, for a while or until /unmute (admins)", (app, args) => app.OnMember("mute", args))),
        ("unmute", new("/unmute USER", "let a muted member speak (admins)", (app, args) => app.OnMember("unmute", args))),
        ("op", new("/op USER", "make a member an admin (admins)", (app, args) => app.OnMember("op", args))),
        ("deop", new("/deop USER", "make an admin a plain member (admins)", (app, args) => app.OnMember("deop", args))),
        ("owner", new("/owner USER", "hand the room over to a member (the owner)", (app, args) => app.OnMember("owner", args))),
        ("private", new("/private", "make the current room private: invitation only, unlisted (admins)", (app, _) => app.SetPrivate(true))),
        ("public", new("/public", "make the current room public: listed, anyone joins (admins)", (app, _) => app.SetPrivate(false))),
        ("delete", new("/delete ROOM", "delete a room and its history, naming it to confirm (the owner)", (app, args) => app.Delete(args))),
        ("help", new("/help", "this list", (app, _) => app.Help())),
        ("quit", new("/quit", "leave the chat", (_, _) => Task.FromResult(false))),
    ];

    private static readonly FrozenDictionary<string, SlashCommand> Commands =
        CommandTable.ToFrozenDictionary(c => c.Name, c => c.Command, StringComparer.OrdinalIgnoreCase);

    private async Task<bool> RunCommandAsync(string line)
    {
        var space = line.IndexOf(' ');
        var name = space < 0 ? line[1..] : line[1..space];
        var args = space < 0 ? "" : line[(space + 1)..].Trim();
        if (!Commands.TryGetValue(name, out var command))
        {
            Failures++;
            view.Print(format.Error($"unknown command '/{TerminalText.Neutralise(name)}'; /help lists them"));
            return true;
        }
        var keepGoing = true;
        await TryAsync(async () => keepGoing = await command.Run(this, args));
        return keepGoing;
    }

    private bool Usage(string name, string args)
    {
        if (args.Length > 0)
            return false;
        Failures++;
        view.Print(format.Error($"usage: {Commands[name].Usage}"));
        return true;
    }

    private async Task<bool> Join(string args)
    {
        if (Usage("join", args))
            return true;
        var joined = await client.JoinAsync(args.TrimStart('#'));
        view.Print(format.Info($"joined #{joined.Room}{TopicSuffix(joined.Topic)} ({joined.Members.Total} members)"));
        await OpenAsync(Target.InRoom(joined.Room));
        return true;
    }

    private async Task<bool> Leave(string args)
    {
        var room = args.Length > 0 ? args.TrimStart('#') : _current.Room;
        if (room is null)
        {
            Failures++;
            view.Print(format.Error("you are in a direct conversation; say which room: /leave ROOM"));
            return true;
        }
        var left = await client.LeaveAsync(room);
        view.Print(format.Info($"left #{left}"));
        await MoveOffAsync(left);
        return true;
    }

    /// <summary>The user is no longer in <paramref name="room"/>: if it was the current conversation, go to another room.</summary>
    private async Task MoveOffAsync(string room)
    {
        if (_current.IsRoom && string.Equals(_current.Room, room, StringComparison.OrdinalIgnoreCase))
        {
            var next = (await client.RoomsAsync()).FirstOrDefault(r => r.Joined);
            if (next is not null)
                await OpenAsync(Target.InRoom(next.Name), recent: 0);
            else
                view.Print(format.Info("you are in no room now; /join one"));
        }
    }

    private async Task<bool> Create(string args)
    {
        if (Usage("create", args))
            return true;
        var space = args.IndexOf(' ');
        var (name, topic) = space < 0 ? (args, null) : (args[..space], args[(space + 1)..]);
        var created = await client.CreateAsync(name.TrimStart('#'), topic);
        view.Print(format.Info($"created #{created.Room}{TopicSuffix(created.Topic)}"));
        await OpenAsync(Target.InRoom(created.Room), recent: 0);
        return true;
    }

    private async Task<bool> Rooms()
    {
        foreach (var room in await client.RoomsAsync())
        {
            var mark = room.Joined ? "*" : " ";
            view.Print(format.Info($"{mark} #{room.Name} ({room.Members}){TopicSuffix(room.Topic)}"));
        }
        return true;
    }

    private async Task<bool> Switch(string args)
    {
        if (Usage("switch", args))
            return true;
        var target = args.StartsWith('@') ? Target.With(args[1..]) : Target.InRoom(args.TrimStart('#'));
        // A DM switched to stays in the list on every device, message or not.
        if (target.User is { } user)
            target = Target.With(await client.OpenDirectAsync(user));
        await OpenAsync(target, recent: 10);
        return true;
    }

    private async Task<bool> Topic(string args)
    {
        if (_current.Room is not { } room)
        {
            Failures++;
            view.Print(format.Error("a direct conversation has no topic"));
            return true;
        }
        if (args.Length == 0)
        {
            // A command without its argument shows; it never changes anything.
            var listed = (await client.RoomsAsync()).FirstOrDefault(r => string.Equals(r.Name, room, StringComparison.OrdinalIgnoreCase));
            view.Print(format.Info(listed is null || listed.Topic.Length == 0
                ? $"#{room} has no topic; /topic TEXT sets one"
                : $"topic of #{room}: {TerminalText.Neutralise(listed.Topic)}"));
            return true;
        }
        var topic = args == ClearTopic ? "" : args;
        await client.SetTopicAsync(room, topic);
        view.Print(format.Info(topic.Length == 0 ? $"cleared the topic of #{room}" : $"topic of #{room}: {TerminalText.Neutralise(topic)}"));
        return true;
    }

    private const string ClearTopic = "--clear";

    private async Task<bool> Msg(string args)
    {
        var space = args.IndexOf(' ');
        if (space <= 0)
        {
            Failures++;
            view.Print(format.Error($"usage: {Commands["msg"].Usage}"));
            return true;
        }
        await SendAsync(Target.With(args[..space].TrimStart('@')), args[(space + 1)..]);
        return true;
    }

    private async Task<bool> Users()
    {
        var online = await client.OnlineAsync();
        view.Print(format.Info($"online ({online.Count}): {TerminalText.Neutralise(string.Join(", ", online))}"));
        return true;
    }

    /// <summary>Names a terminal can show at once; a big room's list is paged (/who more).</summary>
    private const int WhoPage = 100;

    private async Task<bool> Who(string args)
    {
        // "/who more" pages a room; any other word is a person ("/who @more" for a user called more).
        if (args.Length > 0 && !args.Equals("more", StringComparison.OrdinalIgnoreCase))
            return await Profile(args);
        if (_current.Room is not { } room)
        {
            Failures++;
            view.Print(format.Error("/who lists a room's members; switch to a room first"));
            return true;
        }
        string? after = null;
        if (args.Equals("more", StringComparison.OrdinalIgnoreCase))
        {
            if (_whoNext is not { } next || !string.Equals(next.Room, room, StringComparison.OrdinalIgnoreCase))
            {
                Failures++;
                view.Print(format.Error("/who more shows the next page after /who; there is none here"));
                return true;
            }
            after = next.After;
        }
        var page = await client.MembersPageAsync(room, Math.Min(WhoPage, client.Limits.MembersPageMax), after);
        _whoNext = page.Next is { } cursor ? (room, cursor) : null;
        _whoShown = (after is null ? 0 : _whoShown) + page.Members.Count;
        var list = string.Join(", ", page.Members.Select(m => m.Online ? m.User + " (online)" : m.User));
        var counts = $"{page.Total} member{(page.Total == 1 ? "" : "s")}, {page.Online} online";
        var more = page.Next is null ? "" : $"; showing {_whoShown}, /who more for the next {WhoPage}";
        view.Print(format.Info($"#{room} ({counts}{more}): {TerminalText.Neutralise(list)}"));
        return true;
    }

    // Where /who more goes on: the room and the cursor of the page after the last one shown.
    private (string Room, string After)? _whoNext;
    private int _whoShown;

    private async Task<bool> History(string args)
    {
        var count = RecentOnJoin;
        var most = client.Limits.HistoryMax;
        if (args.Length > 0 && (!int.TryParse(args, out count) || count < 1 || count > most))
        {
            Failures++;
            view.Print(format.Error($"/history N shows the last N messages, N from 1 to {most}; /history alone shows {RecentOnJoin}"));
            return true;
        }
        await ShowHistoryAsync(_current, count);
        return true;
    }

    private Task<bool> Help()
    {
        var text = new StringBuilder("commands:");
        // In the table's order: a frozen dictionary keeps none, which listed them at random.
        foreach (var (_, command) in CommandTable)
            text.Append($"\n  {command.Usage,-22} {command.Help}");
        text.Append("\n  anything else is sent to the current conversation; start with // to send a line beginning with /");
        view.Print(format.Info(text.ToString()));
        return Task.FromResult(true);
    }

    private static string TopicSuffix(string topic) => topic.Length > 0 ? $" — {TerminalText.Neutralise(topic)}" : "";
}
