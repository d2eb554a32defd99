namespace Parley.Protocol.Irc;

/// <summary>The IRCv3 capabilities Parley offers; a session holds the ones its client enabled.</summary>
[Flags]
public enum IrcCaps
{
    None = 0,
    ServerTime = 1,
    MessageTags = 2,
    EchoMessage = 4,
    Sasl = 8,
    AwayNotify = 16,
    InviteNotify = 32,
    MultiPrefix = 64,
    UserhostInNames = 128,
    ExtendedMonitor = 256,
    Setname = 512,
    Batch = 1 << 16,
    LabeledResponse = 1 << 17,
    ChatHistory = 1 << 18,
    ReadMarker = 1 << 20,
    MessageRedaction = 1 << 21,
}

internal static class IrcCapNames
{
    public static readonly IReadOnlyList<(string Name, IrcCaps Cap)> Offered =
    [
        ("server-time", IrcCaps.ServerTime),
        ("message-tags", IrcCaps.MessageTags),
        ("echo-message", IrcCaps.EchoMessage),
        ("sasl", IrcCaps.Sasl),
        ("away-notify", IrcCaps.AwayNotify),
        ("invite-notify", IrcCaps.InviteNotify),
        ("multi-prefix", IrcCaps.MultiPrefix),
        ("userhost-in-names", IrcCaps.UserhostInNames),
        ("batch", IrcCaps.Batch),
        ("labeled-response", IrcCaps.LabeledResponse),
        ("draft/chathistory", IrcCaps.ChatHistory),
        ("extended-monitor", IrcCaps.ExtendedMonitor),
        ("setname", IrcCaps.Setname),
        ("draft/read-marker", IrcCaps.ReadMarker),
        ("draft/message-redaction", IrcCaps.MessageRedaction),
    ];

    public static IrcCaps? Find(string name) =>
        Offered.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Cap : null;
}
