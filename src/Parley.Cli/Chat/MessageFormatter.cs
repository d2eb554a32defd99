using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>One line per message: local time, conversation, sender, text. Colours only when asked.</summary>
public sealed class MessageFormatter(string me, bool colour)
{
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Bold = "\u001b[1m";
    private const string Cyan = "\u001b[36m";
    private const string Magenta = "\u001b[35m";
    private const string Red = "\u001b[31m";
    private const string Yellow = "\u001b[33m";
    private const string Reverse = "\u001b[7m";
    private static readonly string[] NameColours = ["\u001b[32m", "\u001b[33m", "\u001b[34m", "\u001b[35m", "\u001b[36m", "\u001b[91m", "\u001b[92m", "\u001b[94m"];

    public string Message(ChatMessage message, bool replayed = false)
    {
        var time = message.Timestamp.ToLocalTime().ToString("HH:mm");
        var where = message.ConversationFor(me).ToString();
        var from = TerminalText.Neutralise(message.From);
        // Each line is made safe on its own; continuation lines are indented under the first.
        var text = message.Removed ? "(message removed)" : string.Join("\n      ", message.Text.Split('\n').Select(TerminalText.Neutralise));
        var mark = replayed ? "(missed) " : "";
        // A system line is the server's, about a change: shown as news, not as someone speaking.
        if (message.IsSystem)
            return Info($"{time} {where} {mark}{text}");
        if (!colour)
            return $"{time} {where} {mark}{from}: {text}";
        var own = string.Equals(message.From, me, StringComparison.OrdinalIgnoreCase);
        var name = own ? Bold + from + Reset : NameColour(message.From) + from + Reset;
        var whereColour = message.Room is null ? Magenta : Cyan;
        return $"{Dim}{time}{Reset} {whereColour}{where}{Reset} {Dim}{mark}{Reset}{name}: {text}";
    }

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

    private static string NameColour(string name)
    {
        var hash = 0;
        foreach (var c in name.ToLowerInvariant())
            hash = hash * 31 + c;
        return NameColours[(hash & int.MaxValue) % NameColours.Length];
    }
}
