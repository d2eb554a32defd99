using Parley.Client.Model;
using Parley.Peer;
using Parley.Protocol;

namespace Parley.Cli.Chat;

/// <summary>
/// One line per message: local time, the message's number in its conversation (<c>[12]</c>, what
/// /reply, /edit, /recall and /react take), conversation, sender, text; then its files, a line each
/// (<c>[image 1280×720, 214 KB] view.jpg http://…</c>); then what happened to it since (edited,
/// reactions). A message that calls this user is highlighted. Colours only when asked.
/// </summary>
public sealed class MessageFormatter(string me, bool colour)
{
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Bold = "\u001b[1m";
    private const string Cyan = "\u001b[36m";
    private const string Magenta = "\u001b[35m";
    private const string Red = "\u001b[31m";
    private const string Yellow = "\u001b[33m";
    private const string Highlight = "\u001b[1;30;43m"; // bold black on yellow: a message that calls this user
    private const int QuoteChars = 40;
    private const string Reverse = "\u001b[7m";
    private static readonly string[] NameColours = ["\u001b[32m", "\u001b[33m", "\u001b[34m", "\u001b[35m", "\u001b[36m", "\u001b[91m", "\u001b[92m", "\u001b[94m"];

    /// <summary>Whether the message calls this user (by name or <c>@all</c>), and is not its own.</summary>
    public bool MentionsMe(ChatMessage message) =>
        !message.IsSystem && !message.Recalled && !IsMine(message) && message.Mentioned(me);

    /// <param name="quoted">The message it replies to, when known (shown as its sender and first line).</param>
    public string Message(ChatMessage message, bool replayed = false, ChatMessage? quoted = null)
    {
        var time = message.Timestamp.ToLocalTime().ToString("HH:mm");
        var number = $"[{message.Seq}]";
        var where = message.ConversationFor(me).ToString();
        var from = TerminalText.Neutralise(message.From);
        var mark = replayed ? "(missed) " : "";
        if (message.Recalled)
            return Info($"{time} {number} {where} {mark}{Recalled(message)}");
        // Each line is made safe on its own; continuation lines are indented under the first. Files
        // follow the caption a line each (the first on the first line when there is no caption).
        IEnumerable<string> lines = message.Removed ? ["(message removed)"]
            : message.Attachments.Count > 0 && message.Text.Length == 0 ? message.Attachments.Select(Attachment)
            : message.Text.Split('\n').Select(TerminalText.Neutralise).Concat(message.Attachments.Select(Attachment));
        var text = string.Join("\n      ", lines);
        // A system line is the server's, about a change: shown as news, not as someone speaking.
        if (message.IsSystem)
            return Info($"{time} {number} {where} {mark}{text}");
        var reply = message.ReplyTo is { } replyTo ? Quote(replyTo, quoted) + " " : "";
        var after = (message.Edited is null ? "" : " (edited)") + Reactions(message);
        var mentioned = MentionsMe(message);
        if (!colour)
            return $"{time} {number} {where} {mark}{from}: {reply}{text}{after}{(mentioned ? " (mentions you)" : "")}";
        var own = IsMine(message);
        var name = own ? Bold + from + Reset : NameColour(message.From) + from + Reset;
        var whereColour = message.Room is null ? Magenta : Cyan;
        var body = mentioned ? Highlight + text + Reset : text;
        return $"{Dim}{time} {number}{Reset} {whereColour}{where}{Reset} {Dim}{mark}{Reset}{name}: {Dim}{reply}{Reset}{body}{Dim}{after}{Reset}";
    }

    /// <summary>"alice recalled a message", "You recalled a message", or "bob recalled alice's message" (a room admin).</summary>
    public string Recalled(ChatMessage message)
    {
        var by = message.RecalledBy ?? message.From;
        var who = string.Equals(by, me, StringComparison.OrdinalIgnoreCase) ? "You" : TerminalText.Neutralise(by);
        return string.Equals(by, message.From, StringComparison.OrdinalIgnoreCase)
            ? $"{who} recalled a message"
            : $"{who} recalled {TerminalText.Neutralise(message.From)}'s message";
    }

    /// <summary>"↪ [12] alice: first line…" (or just the number when the original is not at hand).</summary>
    public string Quote(long seq, ChatMessage? quoted)
    {
        if (quoted is null)
            return $"↪ [{seq}]";
        if (quoted.Recalled)
            return $"↪ [{seq}] (recalled)";
        return $"↪ [{seq}] {TerminalText.Neutralise(quoted.From)}: {FirstLine(quoted)}";
    }

    /// <summary>The first line of a text, cut to a quote's length.</summary>
    public static string FirstLine(string text)
    {
        var line = text.Split('\n')[0];
        return TerminalText.Neutralise(line.Length > QuoteChars ? line[..QuoteChars] + "…" : line);
    }

    /// <summary>A quote of a message: its text's first line, or for files without a caption "[image] view.jpg" (and "+2" more).</summary>
    public static string FirstLine(ChatMessage message)
    {
        if (message.Text.Length > 0 || message.Attachments.Count == 0)
            return FirstLine(message.Text);
        var first = message.Attachments[0];
        var more = message.Attachments.Count > 1 ? $" +{message.Attachments.Count - 1}" : "";
        return $"[{(first.IsImage ? "image" : "file")}] {FirstLine(first.Name)}{more}";
    }

    /// <summary>
    /// A file as a line of text, the same as IRC clients get it (<see cref="AttachmentText"/>):
    /// <c>[image 1280×720, 214 KB] view.jpg http://host:port/api/files/…</c>, or
    /// <c>[file, 2.1 MB] report.pdf http://…</c>. The link opens without signing in.
    /// </summary>
    public static string Attachment(Attachment attachment)
    {
        // The server's own wording, from the fields the wire carries (the link is the client's, made absolute).
        var described = AttachmentText.Describe(new Parley.Core.Model.Attachment(attachment.Id, attachment.Name, attachment.Size, attachment.Type,
            attachment.Width, attachment.Height, HasThumb: attachment.ThumbUrl is not null));
        var url = attachment.Url.IsAbsoluteUri ? attachment.Url.AbsoluteUri : attachment.Url.OriginalString;
        return $"[{described}] {TerminalText.Neutralise(attachment.Name)} {TerminalText.Neutralise(url)}";
    }

    /// <summary>" · 👍 2 🎉 1", or "" without reactions.</summary>
    public static string Reactions(ChatMessage message) =>
        message.Reactions.Count == 0 ? "" : " · " + string.Join(" ", message.Reactions.Select(r => $"{TerminalText.Neutralise(r.Emoji)} {r.Users.Count}"));

    /// <summary>
    /// A search hit: as <see cref="Message"/>, with the date before the time (hits are often old),
    /// and with colours on, each occurrence of <paramref name="found"/> in reverse video.
    /// </summary>
    public string SearchHit(ChatMessage message, string found)
    {
        var date = message.Timestamp.ToLocalTime().ToString("yyyy-MM-dd");
        var line = Message(message);
        if (!colour || found.Length == 0)
            return $"{date} {line}";
        var text = TerminalText.Neutralise(found);
        var at = line.IndexOf(": ", StringComparison.Ordinal);
        if (at < 0 || text.Length == 0)
            return $"{date} {line}";
        var body = new System.Text.StringBuilder(line.Length + 16);
        var rest = line.AsSpan(at + 2);
        for (int i; (i = rest.IndexOf(text, StringComparison.OrdinalIgnoreCase)) >= 0; rest = rest[(i + text.Length)..])
            body.Append(rest[..i]).Append(Reverse).Append(rest.Slice(i, text.Length)).Append(Reset);
        body.Append(rest);
        return $"{Dim}{date}{Reset} {line[..(at + 2)]}{body}";
    }

    public string Info(string text) => colour ? $"{Dim}-- {text}{Reset}" : $"-- {text}";

    public string Warning(string text) => colour ? $"{Yellow}-- {text}{Reset}" : $"-- {text}";

    public string Error(string text) => colour ? $"{Red}error: {text}{Reset}" : $"error: {text}";

    private bool IsMine(ChatMessage message) => string.Equals(message.From, me, StringComparison.OrdinalIgnoreCase);

    private static string NameColour(string name)
    {
        var hash = 0;
        foreach (var c in name.ToLowerInvariant())
            hash = hash * 31 + c;
        return NameColours[(hash & int.MaxValue) % NameColours.Length];
    }
}
