using System.Globalization;
using Parley.Client;
using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>
/// What is done to messages once sent, from the terminal: /reply, /edit, /recall, /react and
/// /unreact take the message's number as printed (<c>[12]</c>); others' edits, recalls and
/// reactions print a line each. Messages printed lately are kept, so a reply can quote them.
/// </summary>
public sealed partial class ChatApp
{
    /// <summary>How many printed messages are kept to quote (the oldest go first).</summary>
    private const int KeptMessages = 2000;

    private readonly Dictionary<(string Key, long Seq), ChatMessage> _kept = [];
    private readonly Queue<(string Key, long Seq)> _keptOrder = new();

    /// <summary>Keeps a printed message (its newest state: a lower rev never replaces a higher one).</summary>
    private void Keep(ChatMessage message)
    {
        var id = (message.ConversationFor(Me).Key, message.Seq);
        lock (_kept)
        {
            if (_kept.TryGetValue(id, out var known))
            {
                if (known.Rev <= message.Rev)
                    _kept[id] = message;
                return;
            }
            _kept[id] = message;
            _keptOrder.Enqueue(id);
            if (_keptOrder.Count > KeptMessages)
                _kept.Remove(_keptOrder.Dequeue());
        }
    }

    private ChatMessage? Kept(Target target, long seq)
    {
        lock (_kept)
            return _kept.GetValueOrDefault((target.Key, seq));
    }

    private ChatMessage? QuotedBy(ChatMessage message) =>
        message.ReplyTo is { } seq ? Kept(message.ConversationFor(Me), seq) : null;

    private Task<bool> Reply(string args) =>
        WithSeq("reply", args, needsText: true, async (seq, text) =>
        {
            await SendAsync(_current, text, seq);
            return true;
        });

    private Task<bool> Edit(string args) =>
        WithSeq("edit", args, needsText: true, async (seq, text) =>
        {
            var message = await client.EditAsync(_current, seq, text);
            Keep(message);
            view.Print(format.Info($"you edited [{seq}] in {_current}: {MessageFormatter.FirstLine(message)}"));
            return true;
        });

    private Task<bool> Recall(string args) =>
        WithSeq("recall", args, needsText: false, async (seq, _) =>
        {
            var message = await client.RecallAsync(_current, seq);
            Keep(message);
            view.Print(format.Info(message.From.Equals(Me, StringComparison.OrdinalIgnoreCase)
                ? $"you recalled [{seq}] in {_current}"
                : $"you recalled {TerminalText.Neutralise(message.From)}'s [{seq}] in {_current}"));
            return true;
        });

    private Task<bool> React(string args) => ReactAsync("react", args, on: true);

    private Task<bool> Unreact(string args) => ReactAsync("unreact", args, on: false);

    private Task<bool> ReactAsync(string command, string args, bool on) =>
        WithSeq(command, args, needsText: true, async (seq, emoji) =>
        {
            var message = await client.ReactAsync(_current, seq, emoji, on);
            Keep(message);
            view.Print(format.Info($"you {(on ? "reacted" : "took back")} {TerminalText.Neutralise(emoji)} {(on ? "to" : "from")} [{seq}] in {_current}{MessageFormatter.Reactions(message)}"));
            return true;
        });

    /// <summary>Parses "SEQ [TEXT]" (a leading '#' or the brackets as printed are fine) and runs the command on the current conversation.</summary>
    private async Task<bool> WithSeq(string command, string args, bool needsText, Func<long, string, Task<bool>> run)
    {
        var space = args.IndexOf(' ');
        var word = (space < 0 ? args : args[..space]).Trim('[', ']', '#');
        var text = space < 0 ? "" : args[(space + 1)..].Trim();
        if (!long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1 || (needsText && text.Length == 0))
        {
            Failures++;
            view.Print(format.Error($"usage: {Commands[command].Usage} (SEQ is the message's [number] as printed)"));
            return true;
        }
        return await run(seq, text);
    }

    /// <summary>Someone's edit, recall or reaction, live (this user's other sessions included), or a change missed while away.</summary>
    private void ShowChange(ClientEvent change)
    {
        var (message, line) = change switch
        {
            MessageEdited e => (e.Message, $"{Actor(e.By)} edited [{e.Message.Seq}] in {Where(e.Message)}: {MessageFormatter.FirstLine(e.Message)}"),
            MessageRecalled r => (r.Message, string.Equals(r.By, r.Message.From, StringComparison.OrdinalIgnoreCase)
                ? $"{Actor(r.By)} recalled [{r.Message.Seq}] in {Where(r.Message)}"
                : $"{Actor(r.By)} recalled {TerminalText.Neutralise(r.Message.From)}'s [{r.Message.Seq}] in {Where(r.Message)}"),
            ReactionChanged r => (r.Message, $"{Actor(r.By)} {(r.On ? "reacted" : "took back")} {TerminalText.Neutralise(r.Emoji)} {(r.On ? "to" : "from")} [{r.Message.Seq}] in {Where(r.Message)}{MessageFormatter.Reactions(r.Message)}"),
            MessageUpdated u => (u.Message, u.Message.Recalled
                ? $"[{u.Message.Seq}] in {Where(u.Message)} was recalled meanwhile ({format.Recalled(u.Message)})"
                : $"[{u.Message.Seq}] in {Where(u.Message)} changed meanwhile: {MessageFormatter.FirstLine(u.Message)}{(u.Message.Edited is null ? "" : " (edited)")}{MessageFormatter.Reactions(u.Message)}"),
            _ => (null, null),
        };
        if (message is null || line is null)
            return;
        Keep(message);
        view.Print(format.Info(line));
    }

    private string Actor(string user) => string.Equals(user, Me, StringComparison.OrdinalIgnoreCase) ? "you" : TerminalText.Neutralise(user);

    private string Where(ChatMessage message) => message.ConversationFor(Me).ToString();

    /// <summary>The current room's members as far as loaded (one page), for completing @names; a DM's two users.</summary>
    private readonly SortedSet<string> _members = new(StringComparer.OrdinalIgnoreCase);

    private const int MembersForCompletion = 500;

    private async Task LoadMembersAsync(Target target)
    {
        lock (_members)
            _members.Clear();
        if (target.User is { } partner)
        {
            lock (_members)
                _members.UnionWith([partner, Me]);
            return;
        }
        try
        {
            var page = await client.MembersPageAsync(target.Room!, Math.Min(MembersForCompletion, client.Limits.MembersPageMax));
            lock (_members)
            {
                if (_current == target)
                    _members.UnionWith(page.Members.Select(m => m.User));
            }
        }
        catch (Exception ex) when (ex is ParleyException or ObjectDisposedException)
        {
            // Completion is a nicety: without the list, Tab completes nothing.
        }
    }

    private void MemberChanged(string room, string user, bool joined)
    {
        if (!string.Equals(_current.Room, room, StringComparison.OrdinalIgnoreCase))
            return;
        lock (_members)
        {
            if (joined)
                _members.Add(user);
            else
                _members.Remove(user);
        }
    }

    /// <summary>The names of the current conversation's members starting with <paramref name="prefix"/> (ignoring case), in order: what Tab offers after '@'.</summary>
    public IReadOnlyList<string> CompleteName(string prefix)
    {
        lock (_members)
            return [.. _members.Where(m => m.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !string.Equals(m, Me, StringComparison.OrdinalIgnoreCase))];
    }
}
