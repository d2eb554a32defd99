using System.Text.Json;
using Parley.Client.Model;
using Parley.Client.Transport;

namespace Parley.Client;

/// <summary>
/// What is done to messages once sent (docs/protocol.md, "Edit, recall, react"): edit, recall,
/// react, and catching up with the changes missed while disconnected. Each change carries its
/// conversation's change number (<see cref="ChatMessage.Rev"/>); events may come out of order
/// across nodes, so a change older than the state already reported for its message is dropped.
/// </summary>
public sealed partial class ParleyClient
{
    /// <summary>The highest change number seen per conversation key: the catch-up after a reconnect starts after it.</summary>
    private readonly Dictionary<string, long> _lastRev = new(StringComparer.Ordinal);

    /// <summary>The change number of the state last reported per message (conversation key, seq); only changed messages are kept.</summary>
    private readonly Dictionary<(string Key, long Seq), long> _messageRevs = [];

    /// <summary>Replaces the text of one of this user's messages (within the server's edit window); returns the message as it is now.</summary>
    public async Task<ChatMessage> EditAsync(Target target, long seq, string text, CancellationToken cancellationToken = default)
    {
        CheckLength(text, Limits.MaxTextChars, ParleyException.TextTooLongCode, "messages");
        return await ChangeAsync("edit", target, seq, w => w.WriteString("text", text), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a message back: one's own within the server's recall window, any in a room one is admin of.</summary>
    public Task<ChatMessage> RecallAsync(Target target, long seq, CancellationToken cancellationToken = default) =>
        ChangeAsync("recall", target, seq, null, cancellationToken);

    /// <summary>Adds (<paramref name="on"/>) or takes back this user's reaction <paramref name="emoji"/> (one emoji).</summary>
    public Task<ChatMessage> ReactAsync(Target target, long seq, string emoji, bool on = true, CancellationToken cancellationToken = default) =>
        ChangeAsync("react", target, seq, w =>
        {
            w.WriteString("emoji", emoji);
            w.WriteBoolean("on", on);
        }, cancellationToken);

    /// <summary>The messages of a conversation changed after change number <paramref name="after"/>, as they are now, in the order of their last change.</summary>
    public async Task<ChangesPage> ChangesAsync(Target target, long after = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        var page = await ChangesOnAsync(_connection ?? throw ParleyException.ConnectionLost(), target, after, limit, cancellationToken).ConfigureAwait(false);
        foreach (var message in page.Messages)
            NewerState(message);
        return page;
    }

    private async Task<ChatMessage> ChangeAsync(string type, Target target, long seq, Action<Utf8JsonWriter>? fields, CancellationToken cancellationToken)
    {
        var reply = await RequestAsync(type, w =>
        {
            Frames.WriteTarget(w, target, "to");
            w.WriteNumber("seq", seq);
            fields?.Invoke(w);
        }, cancellationToken).ConfigureAwait(false);
        var message = ReadMessage(reply.GetProperty("message"));
        NewerState(message);
        return message;
    }

    private async Task<ChangesPage> ChangesOnAsync(IFrameConnection connection, Target target, long after, int? limit, CancellationToken cancellationToken)
    {
        var reply = await RequestOnAsync(connection, "changes", w =>
        {
            Frames.WriteTarget(w, target, "with");
            w.WriteNumber("after", after);
            if (limit is { } l)
                w.WriteNumber("limit", l);
        }, cancellationToken).ConfigureAwait(false);
        return new ChangesPage([.. reply.GetProperty("messages").EnumerateArray().Select(ReadMessage)], reply.GetProperty("more").GetBoolean());
    }

    /// <summary>An <c>edit</c>, <c>recall</c> or <c>react</c> event: emitted unless a newer state of the message was reported already.</summary>
    private void OnChange(string type, JsonElement e)
    {
        var message = ReadMessage(e.GetProperty("message"));
        var by = e.GetProperty("by").GetString()!;
        if (!NewerState(message))
            return;
        Emit(type switch
        {
            "edit" => new MessageEdited(message, by),
            "recall" => new MessageRecalled(message, by),
            _ => new ReactionChanged(message, by, e.GetProperty("emoji").GetString()!, !e.TryGetProperty("on", out var on) || on.ValueKind != JsonValueKind.False),
        });
    }

    /// <summary>Notes a message's change number; false when a state at least as new was seen.</summary>
    private bool NewerState(ChatMessage message)
    {
        if (message.Rev == 0)
            return true;
        var key = message.ConversationFor(User ?? "").Key;
        lock (_state)
        {
            if (message.Rev > _lastRev.GetValueOrDefault(key))
                _lastRev[key] = message.Rev;
            if (_messageRevs.GetValueOrDefault((key, message.Seq)) >= message.Rev)
                return false;
            _messageRevs[(key, message.Seq)] = message.Rev;
            return true;
        }
    }

    /// <summary>
    /// After a reconnect: every message of a conversation this client had seen that changed after
    /// the highest change number seen there, emitted as <see cref="MessageUpdated"/>. The sign-in
    /// reply carries no change number, so in a conversation where none was seen yet this asks from
    /// 0 and may report changes older than the disconnect too.
    /// </summary>
    private async Task CatchUpChangesAsync(IFrameConnection connection, IReadOnlyDictionary<string, (Target Target, long Seen)> seen)
    {
        foreach (var (key, (target, lastSeq)) in seen)
        {
            long after;
            lock (_state)
                after = _lastRev.GetValueOrDefault(key);
            var found = 0;
            while (found < _options.MaxCatchUp)
            {
                ChangesPage page;
                try
                {
                    page = await ChangesOnAsync(connection, target, after, 200, _disposed.Token).ConfigureAwait(false);
                }
                catch (ParleyException ex) when (ex.Code == "rate_limited")
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), _disposed.Token).ConfigureAwait(false);
                    continue;
                }
                catch (ParleyException ex) when (ex.Code is not (ParleyException.Disconnected or ParleyException.Timeout or ParleyException.Closed))
                {
                    break; // a server before issue 29, or a conversation since left: only its changes are missed
                }
                foreach (var message in page.Messages)
                {
                    found++;
                    // Messages after the last one seen come as replayed messages, already as they are now.
                    if (message.Seq <= lastSeq && NewerState(message))
                        Emit(new MessageUpdated(message));
                    after = Math.Max(after, message.Rev);
                }
                if (!page.More || page.Messages.Count == 0)
                    break;
            }
        }
    }
}
