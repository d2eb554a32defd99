using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Replies, mentions, edits, recalls and reactions: the <c>message_extras</c> table beside the messages.</summary>
public sealed partial class SqliteChatStore
{
    private const string ExtrasColumns = "seq, reply_to, mentions, rev, edited, recalled_by, reactions, attachments";

    public Task<StoredMessage?> FindMessageAsync(string conversation, long seq)
    {
        using var connection = OpenReader();
        return Task.FromResult(FindMessage((sql, parameters) => Query(connection, sql, parameters), conversation, seq));
    }

    /// <summary>The message of that seq, which may sit inside a packed row that begins before it, with its extras.</summary>
    private static StoredMessage? FindMessage(Commands commands, string conversation, long seq)
    {
        var command = commands(
            "SELECT id, seq, ts, sender, room, recipient, text, packed, system FROM messages WHERE conv = $conv AND seq <= $seq ORDER BY seq DESC LIMIT 1",
            ("$conv", conversation), ("$seq", seq));
        StoredMessage? found;
        using (var reader = command.ExecuteReader())
            found = reader.Read() ? RowMessages(reader, conversation).Find(m => m.Seq == seq) : null;
        return found is null ? null : WithExtras(commands, conversation, [found])[0];
    }

    public Task<ChangedMessage?> ChangeMessageAsync(string conversation, long seq, MessageChange change) =>
        Writer.Enqueue(w =>
        {
            Commands commands = (sql, parameters) => Bound(w.Command(sql), parameters);
            if (FindMessage(commands, conversation, seq) is not { } message)
                return null;
            var state = message.State ?? new MessageState(0, null, null, []);
            MessageState? after = change switch
            {
                // Recalled, or removed by the operator: nothing left to change.
                _ when message.IsGone => null,
                EditChange edit => state with { Edited = edit.At },
                RecallChange recall => state with { RecalledBy = recall.By, Reactions = [] },
                ReactChange react => StoredReactions.Apply(state.Reactions, react) is { } reactions ? state with { Reactions = reactions } : null,
                _ => throw new ArgumentOutOfRangeException(nameof(change)),
            };
            if (after is null)
                return new ChangedMessage(message, Changed: false);
            var text = change switch { EditChange edit => edit.Text, RecallChange => "", _ => message.Text };
            // What was drawn from the text goes with it: a recall leaves none, an edit the new text's.
            var (replyTo, mentions, all) = change switch
            {
                RecallChange => (null, null, false),
                EditChange edit => (message.ReplyTo, edit.Mentions, edit.MentionsAll),
                _ => (message.ReplyTo, message.Mentions, message.MentionsAll),
            };
            var attachments = change is RecallChange ? null : message.Attachments;
            if (change is RecallChange)
                ForgetFilesOf(w, message);
            if (text != message.Text)
                RewriteMessageText(w, conversation, seq, text);
            // On the partial index by rev: the newest change, not a scan of the conversation's rows.
            var rev = Convert.ToInt64(commands("SELECT rev FROM message_extras WHERE conv = $conv AND rev IS NOT NULL ORDER BY rev DESC LIMIT 1",
                ("$conv", conversation)).ExecuteScalar() ?? 0L) + 1;
            after = after with { Rev = rev };
            Run(w,
                """
                INSERT INTO message_extras (conv, seq, sender, reply_to, mentions, rev, edited, recalled_by, reactions, attachments)
                VALUES ($conv, $seq, $sender, $reply, $mentions, $rev, $edited, $recalled, $reactions, $attachments)
                ON CONFLICT (conv, seq) DO UPDATE SET sender = excluded.sender, reply_to = excluded.reply_to, mentions = excluded.mentions,
                    rev = excluded.rev, edited = excluded.edited, recalled_by = excluded.recalled_by, reactions = excluded.reactions,
                    attachments = excluded.attachments
                """,
                ("$conv", conversation), ("$seq", seq), ("$sender", Names.Key(message.From)), ("$reply", replyTo),
                ("$mentions", StoredMentions.Encode(mentions, all)), ("$rev", rev), ("$edited", after.Edited?.ToUnixTimeMilliseconds()),
                ("$recalled", after.RecalledBy), ("$reactions", after.Reactions.Count == 0 ? null : StoredReactions.Encode(after.Reactions)),
                ("$attachments", StoredAttachments.Encode(attachments)));
            return new ChangedMessage(
                message with { Text = text, State = after, ReplyTo = replyTo, Mentions = mentions, MentionsAll = all, Attachments = attachments }, Changed: true);
        });

    public Task<ChangesPage> ChangesAfterAsync(string conversation, long afterRev, int limit)
    {
        using var connection = OpenReader();
        Commands commands = (sql, parameters) => Query(connection, sql, parameters);
        var command = commands(
            "SELECT seq, rev FROM message_extras WHERE conv = $conv AND rev > $after ORDER BY rev LIMIT $limit",
            ("$conv", conversation), ("$after", afterRev), ("$limit", Math.Max(limit, 0) + 1));
        var changed = new List<(long Seq, long Rev)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                changed.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }
        var page = changed.Take(limit).ToList();
        var messages = page.Select(c => FindMessage(commands, conversation, c.Seq)).OfType<StoredMessage>().ToList();
        return Task.FromResult(new ChangesPage(messages, changed.Count > limit, page.Count > 0 ? page[^1].Rev : afterRev));
    }

    /// <summary>The messages with what <c>message_extras</c> holds for them: one range read on its key for a page.</summary>
    private static List<StoredMessage> WithExtras(Commands commands, string conversation, List<StoredMessage> messages)
    {
        if (messages.Count == 0)
            return messages;
        var (low, high) = (messages.Min(m => m.Seq), messages.Max(m => m.Seq));
        var command = commands(
            $"SELECT {ExtrasColumns} FROM message_extras WHERE conv = $conv AND seq BETWEEN $low AND $high",
            ("$conv", conversation), ("$low", low), ("$high", high));
        using var reader = command.ExecuteReader();
        Dictionary<long, int>? index = null;
        while (reader.Read())
        {
            index ??= messages.Select((m, i) => (m.Seq, i)).ToDictionary(p => p.Seq, p => p.i);
            if (!index.TryGetValue(reader.GetInt64(0), out var at))
                continue;
            var (names, all) = StoredMentions.Decode(reader.IsDBNull(2) ? null : reader.GetString(2));
            messages[at] = messages[at] with
            {
                ReplyTo = reader.IsDBNull(1) ? null : reader.GetInt64(1),
                Mentions = names,
                MentionsAll = all,
                Attachments = StoredAttachments.Decode(reader.IsDBNull(7) ? null : reader.GetString(7)),
                State = reader.IsDBNull(3) ? null : new MessageState(
                    reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    StoredReactions.Decode(reader.IsDBNull(6) ? null : reader.GetString(6))),
            };
        }
        return messages;
    }
}
