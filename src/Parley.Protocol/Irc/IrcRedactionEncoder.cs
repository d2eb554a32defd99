using System.Text;
using Parley.Core.Events;
using Parley.Protocol.Json;

namespace Parley.Protocol.Irc;

/// <summary>
/// What a client with <c>draft/message-redaction</c> gets for a recall: <c>REDACT target msgid</c>
/// from whoever recalled it (its author, or a room admin), with a <c>time</c> (when it is told) and a
/// <c>msgid</c> of its own, instead of <see cref="IrcEventEncoder"/>'s NOTICE. A slot of its own, so the line is
/// encoded once for every such client while the others share the NOTICE. <see cref="IrcSession"/>
/// gives it only recalls. The reason, when the recall came with one (a REDACT's), is the last parameter.
/// </summary>
internal sealed class IrcRedactionEncoder(TimeProvider time) : IEventEncoder
{
    public int Slot => 3;

    public byte[] Encode(ChatEvent chatEvent) => chatEvent switch
    {
        MessageChangedEvent { Kind: MessageChangeKind.Recall } e => Line(e),
        _ => throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "only a recall"),
    };

    private byte[] Line(MessageChangedEvent e)
    {
        // The REDACT is an event of its own. Its id is the recalled message's and the recall's change
        // number: the same for the sender's echo and on every node, and never a message's id.
        var now = time.GetUtcNow();
        var msgid = $"{e.Message.Id}-{e.Message.State?.Rev ?? 0}";
        var source = IrcServerInfo.Source(e.By);
        var target = IrcEventEncoder.ChangeTarget(e);
        var line = e.Reason is { Length: > 0 } reason
            ? new IrcMessage(source, "REDACT", target, e.Message.Id, reason) { Trailing = true }
            : new IrcMessage(source, "REDACT", target, e.Message.Id);
        return Encoding.UTF8.GetBytes($"@time={JsonWire.Timestamp(now)};msgid={msgid} {line}\r\n");
    }
}
