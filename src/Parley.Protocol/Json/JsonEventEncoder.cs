using System.Text.Json;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>Events as JSON objects (no trailing newline: the TCP transport adds it, WebSocket frames need none).</summary>
/// <param name="links">The download links of messages' files.</param>
public sealed class JsonEventEncoder(FileLinks links) : IEventEncoder
{
    public int Slot => 0;

    private static readonly JsonEncodedText MessageType = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText Until = JsonEncodedText.Encode("until");

    /// <summary>
    /// The event's JSON. A signal (IRC's client-only tags) has one only when it says someone is
    /// typing (<c>+typing</c>): a <c>typing</c> event; nothing for the others (reactions, …).
    /// </summary>
    public byte[] Encode(ChatEvent chatEvent) =>
        chatEvent is SignalEvent signal && TypingStates.Of(signal.ClientTags) is null
            ? []
            : JsonWire.Write((chatEvent, links), static (writer, state) => Write(writer, state.chatEvent, state.links));

    private static void Write(Utf8JsonWriter writer, ChatEvent chatEvent, FileLinks links)
    {
        writer.WriteStartObject();
        switch (chatEvent)
        {
            case MessageEvent e:
                writer.WriteString(JsonWire.Property.Type, MessageType);
                JsonWire.WriteMessageFields(writer, e.Message, links);
                break;
            case MessageChangedEvent e:
                writer.WriteString(JsonWire.Property.Type, e.Kind switch
                {
                    MessageChangeKind.Edit => "edit",
                    MessageChangeKind.Recall => "recall",
                    _ => "react",
                });
                writer.WriteString("by", e.By);
                if (e.Emoji is not null)
                {
                    writer.WriteString("emoji", e.Emoji);
                    writer.WriteBoolean("on", e.On);
                }
                if (e.Reason is not null)
                    writer.WriteString("reason", e.Reason);
                writer.WriteStartObject(JsonWire.Property.Message);
                JsonWire.WriteMessageFields(writer, e.Message, links);
                writer.WriteEndObject();
                break;
            case MembershipEvent e:
                writer.WriteString("type", e.Joined ? "join" : "leave");
                writer.WriteString("room", e.Room);
                writer.WriteString("user", e.User);
                if (e.Quit)
                    writer.WriteBoolean("quit", true);
                if (e.Reason is not null)
                    writer.WriteString("reason", e.Reason);
                if (e.By is not null)
                    writer.WriteString("by", e.By);
                break;
            case PresenceEvent e:
                writer.WriteString("type", "presence");
                writer.WriteString("user", e.User);
                writer.WriteBoolean("online", e.Online);
                if (e.Reason is not null)
                    writer.WriteString("reason", e.Reason);
                break;
            case RoomCountsEvent e:
                writer.WriteString("type", "members_count");
                writer.WriteString("room", e.Room);
                writer.WriteNumber("members", e.Members);
                writer.WriteNumber("online", e.Online);
                writer.WriteBoolean("large", e.Large);
                break;
            case AnnouncementEvent e:
                writer.WriteString("type", "announcement");
                writer.WriteString("from", e.From);
                writer.WriteString("text", e.Text);
                break;
            case RenameEvent e:
                writer.WriteString("type", "rename");
                writer.WriteString("from", e.From);
                writer.WriteString("to", e.To);
                break;
            case AwayEvent e:
                writer.WriteString("type", "away");
                writer.WriteString("user", e.User);
                if (e.Message is not null)
                    writer.WriteString("message", e.Message);
                break;
            case RealNameEvent e:
                writer.WriteString("type", "realname");
                writer.WriteString("user", e.User);
                writer.WriteString("realname", e.RealName);
                break;
            case RoomChangedEvent e:
                writer.WriteString("type", "room_changed");
                writer.WriteString("room", e.Room);
                writer.WriteString("by", e.By);
                writer.WriteStartArray("changes");
                foreach (var change in e.Changes)
                {
                    writer.WriteStartObject();
                    writer.WriteString("setting", JsonNamingPolicy.SnakeCaseLower.ConvertName(change.Setting.ToString()));
                    writer.WriteBoolean("on", change.On);
                    if (change.Value is not null)
                        writer.WriteString("value", change.Value);
                    if (change.Setting == Core.Model.RoomSetting.Role)
                        writer.WriteString("role", change.Role.ToString().ToLowerInvariant());
                    if (change.Until is { } until)
                        JsonWire.WriteTimestamp(writer, Until, until);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                break;
            // Removed by a moderator: a leave that says by whom and why (and whether banned).
            case KickEvent e:
                writer.WriteString("type", "leave");
                writer.WriteString("room", e.Room);
                writer.WriteString("user", e.User);
                writer.WriteString("by", e.By);
                writer.WriteString("reason", e.Reason);
                if (e.Ban)
                    writer.WriteBoolean("ban", true);
                break;
            case RoomDeletedEvent e:
                writer.WriteString("type", "room_deleted");
                writer.WriteString("room", e.Room);
                writer.WriteString("by", e.By);
                break;
            case InviteEvent e:
                writer.WriteString("type", "invite");
                writer.WriteString("room", e.Room);
                writer.WriteString("user", e.User);
                writer.WriteString("by", e.By);
                break;
            case TopicEvent e:
                writer.WriteString("type", "topic");
                writer.WriteString("room", e.Room);
                writer.WriteString("topic", e.Topic);
                writer.WriteString("by", e.By);
                break;
            case ReadEvent e:
                writer.WriteString("type", "read");
                if (e.Room is not null)
                    writer.WriteString("room", e.Room);
                else
                    writer.WriteString("with", e.With);
                writer.WriteNumber("seq", e.Seq);
                break;
            case SignalEvent e:
                writer.WriteString("type", "typing");
                if (e.Room is not null)
                    writer.WriteString("room", e.Room);
                else
                    writer.WriteString("to", e.To);
                writer.WriteString("user", e.From);
                writer.WriteString("state", TypingStates.Of(e.ClientTags));
                break;
            case ReceiptEvent e:
                writer.WriteString("type", "receipt");
                writer.WriteString("with", e.With);
                writer.WriteNumber("seq", e.Seq);
                break;
            case ProfileEvent e:
                writer.WriteString("type", "profile");
                writer.WriteString("user", e.User);
                if (e.Display is not null)
                    writer.WriteString("display", e.Display);
                if (e.Status is not null)
                    writer.WriteString("status", e.Status);
                break;
            case BlockEvent e:
                writer.WriteString("type", "block");
                writer.WriteString("user", e.User);
                writer.WriteBoolean("on", e.On);
                break;
            case DirectOpenedEvent e:
                writer.WriteString("type", "open");
                writer.WriteString("with", e.With);
                break;
            case ByeEvent e:
                writer.WriteString("type", "bye");
                writer.WriteString("reason", e.Reason);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(chatEvent), chatEvent.GetType().Name, "no JSON form for this event");
        }
        writer.WriteEndObject();
    }
}
