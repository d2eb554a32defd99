using Parley.Client;
using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>
/// Typing indicators and read receipts: "bob is typing…" in the view's status (the terminal shows
/// it before the prompt, after any upload's progress; a script shows nothing), for the current conversation, until bob's message
/// arrives, he says he stopped, or 6 s pass without news; this user's own typing is sent at most
/// every 3 s while it edits a line that is not a command. A receipt that covers this user's latest
/// message of a direct conversation prints one line, "@bob read your message".
/// </summary>
public sealed partial class ChatApp
{
    private const long TypingEveryMs = 3000;
    private const long TypingShownMs = 6000;

    private readonly Lock _typingGate = new();

    /// <summary>Who is typing where (by <see cref="Target.Key"/>) → until when (<see cref="Environment.TickCount64"/>).</summary>
    private readonly Dictionary<(string Conversation, string User), long> _typists = [];
    private Timer? _typingExpiry;
    private string? _typingStatus;
    private long _typingSentAt = long.MinValue;
    private string? _typingSentTo;

    /// <summary>Per direct partner (lower case): the seq of this user's latest message there, and how far the partner has read.</summary>
    private readonly Dictionary<string, (long OwnLatest, long PeerRead)> _receipts = [];

    /// <summary>The user edited its input line (the terminal calls this on each character typed).</summary>
    public void UserTyped(string input)
    {
        if (input.Length == 0 || input[0] == '/')
            return;
        var target = _current;
        var now = Environment.TickCount64;
        lock (_typingGate)
        {
            if (_typingSentTo == target.Key && now - _typingSentAt < TypingEveryMs)
                return;
            _typingSentTo = target.Key;
            _typingSentAt = now;
        }
        _ = SendTypingQuietlyAsync(target);
    }

    private async Task SendTypingQuietlyAsync(Target target)
    {
        try
        {
            await client.SendTypingAsync(target);
        }
        catch (Exception ex) when (ex is ParleyException or ObjectDisposedException)
        {
            // Typing is a nicety: muted, offline, reconnecting… the message itself will say what is wrong.
        }
    }

    /// <summary>A message sent: the next keystroke says "typing" again at once.</summary>
    private void TypingEnded()
    {
        lock (_typingGate)
            _typingSentTo = null;
    }

    private void OnTyping(Typing typing)
    {
        if (string.Equals(typing.User, Me, StringComparison.OrdinalIgnoreCase))
            return;
        lock (_typingGate)
        {
            var key = (typing.Target.Key, typing.User);
            if (typing.IsActive)
                _typists[key] = Environment.TickCount64 + TypingShownMs;
            else
                _typists.Remove(key);
            _typingExpiry ??= new Timer(_ => RefreshTypingStatus(), null, 1000, 1000);
        }
        RefreshTypingStatus();
    }

    /// <summary>Someone's message arrived: it is no longer typing there.</summary>
    private void TypistSpoke(ChatMessage message)
    {
        lock (_typingGate)
        {
            if (!_typists.Remove((message.ConversationFor(Me).Key, message.From)))
                return;
        }
        RefreshTypingStatus();
    }

    /// <summary>Shows who is typing in the current conversation (dropping those not heard from for 6 s).</summary>
    private void RefreshTypingStatus()
    {
        string? status;
        lock (_typingGate)
        {
            var now = Environment.TickCount64;
            foreach (var stale in _typists.Where(t => t.Value <= now).Select(t => t.Key).ToList())
                _typists.Remove(stale);
            // Nobody typing anywhere: the clock stops until someone is.
            if (_typists.Count == 0 && _typingExpiry is not null)
            {
                _typingExpiry.Dispose();
                _typingExpiry = null;
            }
            var here = _typists.Keys.Where(k => k.Conversation == _current.Key).Select(k => TerminalText.Neutralise(k.User)).Order(StringComparer.OrdinalIgnoreCase).ToList();
            status = here.Count switch
            {
                0 => null,
                1 => $"{here[0]} is typing…",
                2 => $"{here[0]} and {here[1]} are typing…",
                _ => "several people are typing…",
            };
            if (status == _typingStatus)
                return;
            _typingStatus = status;
        }
        PublishStatus();
    }

    /// <summary>This user's own message in a direct conversation (sent here or on another session).</summary>
    private void OwnDirectMessage(string partner, long seq)
    {
        lock (_receipts)
        {
            _receipts.TryGetValue(partner.ToLowerInvariant(), out var known);
            _receipts[partner.ToLowerInvariant()] = known with { OwnLatest = Math.Max(known.OwnLatest, seq) };
        }
    }

    private void OnReceipt(ReadReceipt receipt)
    {
        bool newlyRead;
        lock (_receipts)
        {
            var key = receipt.With.ToLowerInvariant();
            _receipts.TryGetValue(key, out var known);
            newlyRead = known.OwnLatest > 0 && receipt.Seq >= known.OwnLatest && known.PeerRead < known.OwnLatest;
            _receipts[key] = known with { PeerRead = Math.Max(known.PeerRead, receipt.Seq) };
        }
        if (newlyRead)
            view.Print(format.Info($"@{TerminalText.Neutralise(receipt.With)} read your message (read)"));
    }
}
