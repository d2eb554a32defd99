using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Storage.Redis;

/// <summary>A message as the append script publishes it (payload described in docs/redis.md).</summary>
public sealed record PublishedMessage(string? Node, string? Session, StoredMessage Message)
{
    /// <summary>Reads the script's JSON payload; throws <see cref="JsonException"/> or <see cref="FormatException"/> when it is not one.</summary>
    public static PublishedMessage Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var root = document.RootElement;
        var message = new StoredMessage(
            JsonFields.Required(root, "id", "published message"),
            JsonFields.Required(root, "conv", "published message"),
            Integer(root, "seq"),
            DateTimeOffset.FromUnixTimeMilliseconds(Integer(root, "ts")),
            JsonFields.Required(root, "from", "published message"),
            JsonFields.Optional(root, "room"),
            JsonFields.Optional(root, "to"),
            JsonFields.Required(root, "text", "published message"))
        {
            Live = LiveExtras.Of(JsonFields.Optional(root, "tags"), IsTrue(root, "notice"), IsTrue(root, "bot")),
            IsSystem = IsTrue(root, "system"),
            ReplyTo = root.TryGetProperty("replyTo", out var replyTo) && replyTo.ValueKind == JsonValueKind.Number ? Integer(root, "replyTo") : null,
        };
        var (mentions, all) = Core.Storage.StoredMentions.Decode(JsonFields.Optional(root, "mentions"));
        message = message with
        {
            Mentions = mentions, MentionsAll = all, Attachments = Core.Storage.StoredAttachments.Decode(JsonFields.Optional(root, "files")),
        };
        return new PublishedMessage(JsonFields.Optional(root, "node"), JsonFields.Optional(root, "session"), message);
    }


    private static bool IsTrue(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static long Integer(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
            throw new FormatException($"published message has no number \"{name}\"");
        // Lua's cjson writes integers up to 14 digits plainly, larger ones with an exponent.
        return value.TryGetInt64(out var integer) ? integer : (long)value.GetDouble();
    }
}
