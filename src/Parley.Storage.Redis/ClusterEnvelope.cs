using System.Buffers;
using System.Text.Json;
using Parley.Core.Cluster;

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
                    break;
                case TopicChanged e:
                    w.WriteString("kind", "topic");
                    w.WriteString("room", e.Room);
                    w.WriteString("topic", e.Topic);
                    w.WriteString("user", e.By);
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
                    break;
                case Announced e:
                    w.WriteString("kind", "announce");
                    w.WriteString("user", e.From);
                    w.WriteString("text", e.Text);
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
            "join" => new MembershipChanged(Required("room"), Required("user"), Joined: true),
            "leave" => new MembershipChanged(Required("room"), Required("user"), Joined: false,
                Quit: root.TryGetProperty("quit", out var quit) && quit.ValueKind == JsonValueKind.True),
            "topic" => new TopicChanged(Required("room"), Required("topic"), Required("user")),
            "read" => new ReadMoved(Required("user"), JsonFields.Optional(root, "room"), JsonFields.Optional(root, "with"),
                root.TryGetProperty("seq", out var seq) ? seq.GetInt64() : throw new FormatException("read without seq"),
                root.TryGetProperty("ts", out var ts) ? DateTimeOffset.FromUnixTimeMilliseconds(ts.GetInt64()) : null),
            "online" => new NodePresence(node, Required("user"), Online: true,
                Guest: root.TryGetProperty("guest", out var guest) && guest.ValueKind == JsonValueKind.True),
            "offline" => new NodePresence(node, Required("user"), Online: false, JsonFields.Optional(root, "reason")),
            "kill" => new UserKilled(Required("user"), Required("reason")),
            "announce" => new Announced(Required("user"), Required("text")),
            _ => throw new FormatException($"unknown cluster event kind '{kind}'"),
        };
        return (node, clusterEvent);
    }

}
