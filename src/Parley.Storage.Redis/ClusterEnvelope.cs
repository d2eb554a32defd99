using System.Buffers;
using System.Text.Json;
using Parley.Core.Cluster;
using Parley.Core.Events;
using Parley.Core.Model;

namespace Parley.Storage.Redis;

/// <summary>
/// Cluster events as JSON on the backplane channel: {"node": sender, "kind": …, fields}. Stored
/// messages share the channel but are published by the append script in its own shape
/// (<see cref="PublishedMessage"/>, no "kind"), so both kinds keep one order.
/// </summary>
internal static class ClusterEnvelope
{
    public static byte[] Encode(string node, ClusterEvent clusterEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("node", node);
            switch (clusterEvent)
            {
                case RoomCreated e:
                    w.WriteString("kind", "room");
                    w.WriteString("room", e.Room);
                    w.WriteString("topic", e.Topic);
                    w.WriteString("user", e.Creator);
                    break;
                case MembershipChanged e:
                    w.WriteString("kind", e.Joined ? "join" : "leave");
                    w.WriteString("room", e.Room);
                    w.WriteString("user", e.User);
                    if (e.Quit)
                        w.WriteBoolean("quit", true);
                    if (e.By is not null)
                        w.WriteString("by", e.By);
                    break;
                case TopicChanged e:
                    w.WriteString("kind", "topic");
                    w.WriteString("room", e.Room);
                    w.WriteString("topic", e.Topic);
                    w.WriteString("user", e.By);
                    break;
                case RoomModerated e:
                    w.WriteString("kind", "moderate");
                    w.WriteString("room", e.Room);
                    w.WriteString("user", e.By);
                    w.WriteStartArray("changes");
                    foreach (var change in e.Changes)
                    {
                        w.WriteStartObject();
                        w.WriteString("setting", change.Setting.ToString());
                        w.WriteBoolean("on", change.On);
                        if (change.Value is not null)
                            w.WriteString("value", change.Value);
                        if (change.Setting == RoomSetting.Role)
                            w.WriteString("role", change.Role.ToString());
                        if (change.Until is { } until)
                            w.WriteNumber("until", until.ToUnixTimeMilliseconds());
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    break;
                case MemberKicked e:
                    w.WriteString("kind", "kick");
                    w.WriteString("room", e.Room);
                    w.WriteString("user", e.User);
                    w.WriteString("by", e.By);
                    w.WriteString("reason", e.Reason);
                    if (e.Ban)
                        w.WriteBoolean("ban", true);
                    break;
                case RoomDeleted e:
                    w.WriteString("kind", "delete");
                    w.WriteString("room", e.Room);
                    w.WriteString("by", e.By);
                    break;
                case MemberInvited e:
                    w.WriteString("kind", "invite");
                    w.WriteString("room", e.Room);
                    w.WriteString("user", e.User);
                    w.WriteString("by", e.By);
                    break;
                case ReadMoved e:
                    w.WriteString("kind", "read");
                    w.WriteString("user", e.User);
                    if (e.Room is not null)
                        w.WriteString("room", e.Room);
                    if (e.With is not null)
                        w.WriteString("with", e.With);
                    w.WriteNumber("seq", e.Seq);
                    if (e.Time is { } time)
                        w.WriteNumber("ts", time.ToUnixTimeMilliseconds());
                    break;
                case NodePresence e:
                    w.WriteString("kind", e.Online ? "online" : "offline");
                    w.WriteString("user", e.User);
                    if (e.Guest)
                        w.WriteBoolean("guest", true);
                    if (e.Reason is not null)
                        w.WriteString("reason", e.Reason);
                    break;
                case UserKilled e:
                    w.WriteString("kind", "kill");
                    w.WriteString("user", e.User);
                    w.WriteString("reason", e.Reason);
                    if (e.Bye != ByeReasons.Killed)
                        w.WriteString("bye", e.Bye);
                    break;
                case AwayChanged e:
                    w.WriteString("kind", "away");
                    w.WriteString("user", e.User);
                    if (e.Message is not null)
                        w.WriteString("message", e.Message);
                    break;
                case Announced e:
                    w.WriteString("kind", "announce");
                    w.WriteString("user", e.From);
                    w.WriteString("text", e.Text);
                    break;
                case MessageChanged e:
                    w.WriteString("kind", "changed");
                    w.WriteString("conv", e.Conversation);
                    if (e.Room is not null)
                        w.WriteString("room", e.Room);
                    w.WriteNumber("seq", e.Seq);
                    w.WriteString("change", e.Kind.ToString());
                    w.WriteString("user", e.By);
                    if (e.Emoji is not null)
                    {
                        w.WriteString("emoji", e.Emoji);
                        w.WriteBoolean("on", e.On);
                    }
                    if (e.Reason is not null)
                        w.WriteString("reason", e.Reason);
                    break;
                case Signaled { Signal: var e }:
                    w.WriteString("kind", "signal");
                    w.WriteString("id", e.Id);
                    w.WriteNumber("ts", e.Timestamp.ToUnixTimeMilliseconds());
                    w.WriteString("user", e.From);
                    if (e.Room is not null)
                        w.WriteString("room", e.Room);
                    if (e.To is not null)
                        w.WriteString("to", e.To);
                    w.WriteString("tags", e.ClientTags);
                    break;
                case ProfileChanged e:
                    w.WriteString("kind", "profile");
                    w.WriteString("user", e.User);
                    if (e.Display is not null)
                        w.WriteString("display", e.Display);
                    if (e.Status is not null)
                        w.WriteString("status", e.Status);
                    if (!e.DisplayChanged)
                        w.WriteBoolean("display_changed", false);
                    break;
                case BlockChanged e:
                    w.WriteString("kind", "block");
                    w.WriteString("user", e.User);
                    w.WriteString("target", e.Target);
                    w.WriteBoolean("on", e.On);
                    break;
                case DirectOpened e:
                    w.WriteString("kind", "open");
                    w.WriteString("user", e.User);
                    w.WriteString("with", e.With);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(clusterEvent), clusterEvent.GetType().Name, "not sent on the backplane channel");
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The sending node and the event; throws <see cref="JsonException"/> or <see cref="FormatException"/> on a bad payload.</summary>
    public static (string? Node, ClusterEvent Event) Decode(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        string Required(string name) => JsonFields.Required(root, name, "cluster event");
        var kind = JsonFields.Optional(root, "kind");
        if (kind is null)
        {
            var published = PublishedMessage.Parse(payload);
            return (published.Node, new MessageStored(published.Message));
        }
        var node = Required("node");
        ClusterEvent clusterEvent = kind switch
        {
            "room" => new RoomCreated(Required("room"), Required("topic"), Required("user")),
            "join" => new MembershipChanged(Required("room"), Required("user"), Joined: true, By: JsonFields.Optional(root, "by")),
            "leave" => new MembershipChanged(Required("room"), Required("user"), Joined: false,
                Quit: True(root, "quit")),
            "topic" => new TopicChanged(Required("room"), Required("topic"), Required("user")),
            "moderate" => new RoomModerated(Required("room"), Required("user"), Changes(root)),
            "kick" => new MemberKicked(Required("room"), Required("user"), Required("by"), Required("reason"), True(root, "ban")),
            "delete" => new RoomDeleted(Required("room"), Required("by")),
            "invite" => new MemberInvited(Required("room"), Required("user"), Required("by")),
            "read" => new ReadMoved(Required("user"), JsonFields.Optional(root, "room"), JsonFields.Optional(root, "with"),
                root.TryGetProperty("seq", out var seq) ? seq.GetInt64() : throw new FormatException("read without seq"),
                root.TryGetProperty("ts", out var ts) ? DateTimeOffset.FromUnixTimeMilliseconds(ts.GetInt64()) : null),
            "online" => new NodePresence(node, Required("user"), Online: true,
                Guest: True(root, "guest")),
            "offline" => new NodePresence(node, Required("user"), Online: false, JsonFields.Optional(root, "reason")),
            "kill" => new UserKilled(Required("user"), Required("reason"), JsonFields.Optional(root, "bye") ?? ByeReasons.Killed),
            "announce" => new Announced(Required("user"), Required("text")),
            "away" => new AwayChanged(Required("user"), JsonFields.Optional(root, "message")),
            "changed" => new MessageChanged(Required("conv"), JsonFields.Optional(root, "room"),
                root.TryGetProperty("seq", out var changedSeq) ? changedSeq.GetInt64() : throw new FormatException("changed without seq"),
                Named<MessageChangeKind>(Required("change")), Required("user"), JsonFields.Optional(root, "emoji"), True(root, "on"),
                JsonFields.Optional(root, "reason")),
            "signal" => new Signaled(new SignalEvent(Required("id"),
                DateTimeOffset.FromUnixTimeMilliseconds(root.TryGetProperty("ts", out var ts) ? ts.GetInt64() : throw new FormatException("signal without ts")),
                Required("user"), JsonFields.Optional(root, "room"), JsonFields.Optional(root, "to"), Required("tags"))),
            "profile" => new ProfileChanged(Required("user"), JsonFields.Optional(root, "display"), JsonFields.Optional(root, "status"),
                DisplayChanged: !(root.TryGetProperty("display_changed", out var changed) && changed.ValueKind == JsonValueKind.False)),
            "block" => new BlockChanged(Required("user"), Required("target"), root.TryGetProperty("on", out var on) && on.ValueKind == JsonValueKind.True),
            "open" => new DirectOpened(Required("user"), Required("with")),
            _ => throw new FormatException($"unknown cluster event kind '{kind}'"),
        };
        return (node, clusterEvent);
    }

    private static List<RoomChange> Changes(JsonElement root)
    {
        if (!root.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
            throw new FormatException("moderate without changes");
        return changes.EnumerateArray().Select(c => new RoomChange(
            Named<RoomSetting>(JsonFields.Required(c, "setting", "room change")),
            True(c, "on"),
            JsonFields.Optional(c, "value"),
            JsonFields.Optional(c, "role") is { } role ? Named<RoomRole>(role) : RoomRole.Member,
            c.TryGetProperty("until", out var until) ? DateTimeOffset.FromUnixTimeMilliseconds(until.GetInt64()) : null)).ToList();
    }

    private static bool True(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>An enum value by name; a name this node does not know (a newer node's) is a bad payload, not a crash.</summary>
    private static T Named<T>(string name) where T : struct, Enum =>
        Enum.TryParse<T>(name, out var value) && Enum.IsDefined(value) ? value : throw new FormatException($"unknown {typeof(T).Name} '{name}'");

}
