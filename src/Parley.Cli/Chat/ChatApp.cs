using Parley.Client.Model;
using Parley.Client;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>
/// What `parley chat` does with typed lines and server events, whatever the view. Lines starting
/// with '/' are commands (<see cref="ChatCommands"/>); "//" sends a line that starts with '/'.
/// </summary>
public sealed partial class ChatApp(ParleyClient client, IChatView view, MessageFormatter format, bool interactive)
{
    private const int RecentOnJoin = 20;

    private Target _current = Target.InRoom("lobby");

    /// <summary>Conversations with a read mark in flight → the newest seq to mark.</summary>
    private readonly Dictionary<Target, long> _readMarks = [];

    /// <summary>
    /// The people this user has direct conversations with: watched, so their coming and going
    /// shows even when the only room shared is a large one (whose presence is not pushed).
    /// </summary>
    private readonly HashSet<string> _partners = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One watch request at a time, so the server's list is the latest one.</summary>
    private readonly SemaphoreSlim _watching = new(1, 1);

    /// <summary>Failed sends and commands so far; a script exits non-zero when there were any.</summary>
    public int Failures { get; private set; }

    public Target Current => _current;

    private string Me => client.User ?? "";

    /// <summary>Shows unread counts, opens <paramref name="room"/> (joining it if needed) and shows its recent history.</summary>
    public async Task StartAsync(SessionInfo session, string room)
    {
        foreach (var unread in session.Rooms.Concat(session.Directs).Where(c => c.Unread > 0))
            view.Print(format.Info($"{unread.Target}: {unread.Unread} unread"));
        RememberBlocked(session.Blocked);
        await WatchPartnersAsync(session.Directs.Select(d => d.Target.User!));
        var member = session.Rooms.FirstOrDefault(r => string.Equals(r.Target.Room, room, StringComparison.OrdinalIgnoreCase));
        await TryAsync(async () =>
        {
            if (member is not null)
            {
                if (member.Topic is { Length: > 0 } topic)
                    view.Print(format.Info($"#{member.Target.Room}{TopicSuffix(topic)}"));
                await OpenAsync(member.Target);
                return;
            }
            var joined = await client.JoinAsync(room);
            view.Print(format.Info($"joined #{joined.Room}{TopicSuffix(joined.Topic)} ({joined.Members.Total} members)"));
            await OpenAsync(Target.InRoom(joined.Room));
        });
    }

    /// <summary>Prints server events until the client is disposed.</summary>
    public async Task PumpEventsAsync()
    {
        await foreach (var clientEvent in client.Events.ReadAllAsync())
        {
            switch (clientEvent)
            {
                case MessageReceived m:
                    TypistSpoke(m.Message);
                    view.Print(Shown(m.Message, m.Replayed));
                    // A message that calls this user rings the terminal's bell (a missed one only shows highlighted).
                    if (!m.Replayed && format.MentionsMe(m.Message) && !IsHidden(m.Message))
                        view.Bell();
                    if (m.Message.Room is null)
                        _ = WatchPartnersAsync([m.Message.ConversationFor(Me).User!]);
                    if (m.Message.Room is null && string.Equals(m.Message.From, Me, StringComparison.OrdinalIgnoreCase))
                        OwnDirectMessage(m.Message.To!, m.Message.Seq);
                    // Printed is read, whichever conversation it belongs to.
                    _ = MarkReadQuietlyAsync(m.Message.ConversationFor(Me), m.Message.Seq);
                    break;
                case MessageEdited or MessageRecalled or ReactionChanged or MessageUpdated:
                    ShowChange(clientEvent);
                    break;
                case MemberJoined j:
                    MemberChanged(j.Room, j.User, joined: true);
                    var addedBy = j.AddedBy is null ? "joined" : "was added to";
                    view.Print(format.Info($"{TerminalText.Neutralise(j.User)} {addedBy} #{j.Room}{(j.AddedBy is null ? "" : " by " + TerminalText.Neutralise(j.AddedBy))}"));
                    break;
                // Someone else's removal is a system line in the room; one's own is not (one is out of it by then).
                case MemberLeft { RemovedBy: not null } l when !string.Equals(l.User, Me, StringComparison.OrdinalIgnoreCase):
                    break;
                case MemberLeft l:
                    MemberChanged(l.Room, l.User, joined: false);
                    var left = l.RemovedBy is null ? "left" : l.Banned ? "was banned from" : "was removed from";
                    var by = l.RemovedBy is null ? "" : $" by {TerminalText.Neutralise(l.RemovedBy)}";
                    var because = l.Reason is null ? "" : $" ({TerminalText.Neutralise(l.Reason)})";
                    view.Print(format.Info($"{TerminalText.Neutralise(l.User)} {left} #{l.Room}{by}{because}"));
                    break;
                case RoomDeleted deleted:
                    view.Print(format.Warning($"{TerminalText.Neutralise(deleted.By)} deleted #{deleted.Room}"));
                    break;
                case PresenceChanged p:
                    var why = p.Reason is null ? "" : $" ({TerminalText.Neutralise(p.Reason)})";
                    view.Print(format.Info($"{TerminalText.Neutralise(p.User)} is {(p.Online ? "online" : "offline")}{why}"));
                    break;
                case Announcement a:
                    view.Print(format.Warning($"announcement from {TerminalText.Neutralise(a.From)}: {TerminalText.Neutralise(a.Text)}"));
                    break;
                case TopicChanged t:
                    view.Print(format.Info($"{TerminalText.Neutralise(t.By)} set the topic of #{t.Room}: {TerminalText.Neutralise(t.Topic)}"));
                    break;
                case Typing typing:
                    OnTyping(typing);
                    break;
                case ReadReceipt receipt:
                    OnReceipt(receipt);
                    break;
                case BlockChanged blocked:
                    SetBlocked(blocked.User, blocked.On);
                    break;
                case ServerBye b:
                    view.Print(format.Warning($"the server said goodbye ({b.Reason})"));
                    break;
                case ConnectionLost lost:
                    view.Print(format.Warning(lost.WillRetry ? $"connection lost ({lost.Reason}); reconnecting…" : $"connection lost: {lost.Reason}"));
                    break;
                case Reconnected:
                    view.Print(format.Info("reconnected; anything missed follows"));
                    break;
            }
        }
    }

    /// <summary>Handles one typed line; false when the user asked to quit.</summary>
    public async Task<bool> HandleLineAsync(string line)
    {
        if (line.Length == 0)
            return true;
        if (line.StartsWith("//", StringComparison.Ordinal))
            line = line[1..];
        else if (line[0] == '/')
            return await RunCommandAsync(line);
        if (interactive && (line == "bye"))
            return false;
        await SendAsync(_current, line);
        return true;
    }

    /// <param name="attachments">Uploaded files to send, <paramref name="text"/> their caption (maybe empty).</param>
    private async Task SendAsync(Target target, string text, long? replyTo = null, IReadOnlyList<Attachment>? attachments = null)
    {
        await TryAsync(async () =>
        {
            var sent = attachments is null
                ? await client.SendAsync(target, text, replyTo)
                : await client.SendAsync(target, text, attachments, replyTo);
            TypingEnded();
            var message = new ChatMessage(sent.Id, sent.Seq, sent.Timestamp, Me, target.Room, target.User, text)
            {
                ReplyTo = replyTo, Mentions = sent.Mentions, MentionsAll = sent.MentionsAll, Attachments = sent.Attachments,
            };
            Keep(message);
            view.Print(format.Message(message, quoted: QuotedBy(message)));
            if (target.User is { } partner)
            {
                _ = WatchPartnersAsync([partner]);
                OwnDirectMessage(partner, sent.Seq);
            }
        });
    }

    /// <summary>Makes <paramref name="target"/> current and shows its recent history, marking it read.</summary>
    private async Task OpenAsync(Target target, int recent = RecentOnJoin)
    {
        // History first: it fails (not a member, no such user) before anything switches.
        var page = await client.HistoryAsync(target, limit: Math.Max(recent, 1));
        _current = target;
        view.SetPrompt(target.ToString());
        RefreshTypingStatus();
        _ = LoadMembersAsync(target);
        ShowPage(target, recent == 0 ? new HistoryPage([], false) : page);
        // How far the partner has read, so a later receipt prints only what is news.
        if (target.User is { } with && page.PeerRead is { } peerRead)
        {
            var own = page.Messages.FirstOrDefault(m => string.Equals(m.From, Me, StringComparison.OrdinalIgnoreCase));
            if (own is not null)
                OwnDirectMessage(with, own.Seq);
            OnReceipt(new ReadReceipt(with, peerRead));
        }
    }

    private async Task ShowHistoryAsync(Target target, int count) =>
        ShowPage(target, await client.HistoryAsync(target, limit: count));

    private void ShowPage(Target target, HistoryPage page)
    {
        for (var i = page.Messages.Count - 1; i >= 0; i--)
            view.Print(Shown(page.Messages[i]));
        if (page.Messages.Count > 0)
            _ = MarkReadQuietlyAsync(target, page.Messages[0].Seq);
    }

    /// <summary>
    /// Marks the conversation read up to <paramref name="seq"/>. At most one mark is in flight; marks
    /// asked for meanwhile collapse into the newest, so a busy room does not use up the rate limit.
    /// </summary>
    private async Task MarkReadQuietlyAsync(Target target, long seq)
    {
        lock (_readMarks)
        {
            var inFlight = _readMarks.TryGetValue(target, out var pending);
            _readMarks[target] = Math.Max(seq, pending);
            if (inFlight)
                return;
        }
        try
        {
            while (true)
            {
                long next;
                lock (_readMarks)
                    next = _readMarks[target];
                await client.MarkReadAsync(target, next);
                lock (_readMarks)
                {
                    if (_readMarks[target] == next)
                    {
                        _readMarks.Remove(target);
                        return;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is ParleyException or ObjectDisposedException)
        {
            // A read mark is a nicety; the next one will carry the position.
            lock (_readMarks)
                _readMarks.Remove(target);
        }
    }

    /// <summary>
    /// Adds direct-conversation partners to the watch list (up to the server's limit) and sends
    /// the whole list; requests go one at a time, each with the list as it is then. A failed watch
    /// only costs presence lines.
    /// </summary>
    private async Task WatchPartnersAsync(IEnumerable<string> partners)
    {
        lock (_partners)
        {
            var before = _partners.Count;
            foreach (var partner in partners)
            {
                if (_partners.Count < client.Limits.MaxWatchedUsers && !string.Equals(partner, Me, StringComparison.OrdinalIgnoreCase))
                    _partners.Add(partner);
            }
            if (_partners.Count == before)
                return;
        }
        await _watching.WaitAsync();
        try
        {
            string[] watched;
            lock (_partners)
                watched = [.. _partners];
            await client.WatchAsync(watched);
        }
        catch (Exception ex) when (ex is ParleyException or ObjectDisposedException)
        {
        }
        finally
        {
            _watching.Release();
        }
    }

    /// <summary>Runs an action, turning a server or connection error into one printed line.</summary>
    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ParleyException ex)
        {
            Failures++;
            view.Print(format.Error($"{ex.Message}{HintFor(ex.Code)} [{ex.Code}]"));
        }
    }

    /// <summary>What to type next, in this client's commands (the server's messages name no commands).</summary>
    private static string HintFor(string code) => code switch
    {
        "no_such_room" => "; /rooms lists them, /create makes one",
        _ => "",
    };
}
