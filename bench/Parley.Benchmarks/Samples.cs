using System.Text;
using Parley.Core.Model;

namespace Parley.Benchmarks;

/// <summary>The typical frames and messages the benchmarks use: 100-byte texts, as in the issue's fan-out workload.</summary>
internal static class Samples
{
    /// <summary>100 bytes of plain ASCII text.</summary>
    public static readonly string Text = "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. 0123456789 ok.";

    /// <summary>A native <c>send</c> request as it arrives on the TCP listener, newline included.</summary>
    public static readonly byte[] SendLine = Encoding.UTF8.GetBytes(
        $"{{\"id\":42,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"{Text}\"}}\n");

    /// <summary>A PRIVMSG as a client that negotiated message-tags sends it (label and a client tag), CRLF included.</summary>
    public static readonly byte[] IrcPrivmsgLine = Encoding.UTF8.GetBytes(
        $"@label=a7;+draft/reply=01a212ecb0857e2cabe403dc980c5b35 PRIVMSG #lobby :{Text}\r\n");

    public static StoredMessage Message(long seq = 1) => new(
        Id: "01a212ecb0857e2cabe403dc980c5b35",
        Conversation: ConversationKey.ForRoom("lobby"),
        Seq: seq,
        Timestamp: new DateTimeOffset(2026, 11, 25, 13, 37, 11, 302, TimeSpan.Zero),
        From: "bob",
        Room: "lobby",
        To: null,
        Text: Text);
}
