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
            Required(root, "id"),
            Required(root, "conv"),
            Integer(root, "seq"),
            DateTimeOffset.FromUnixTimeMilliseconds(Integer(root, "ts")),
            Required(root, "from"),
            Optional(root, "room"),
            Optional(root, "to"),
            Required(root, "text"));
        return new PublishedMessage(Optional(root, "node"), Optional(root, "session"), message);
    }

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(JsonElement root, string name) =>
        Optional(root, name) ?? throw new FormatException($"published message has no string \"{name}\"");

    private static long Integer(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
            throw new FormatException($"published message has no number \"{name}\"");
        // Lua's cjson writes integers up to 14 digits plainly, larger ones with an exponent.
        return value.TryGetInt64(out var integer) ? integer : (long)value.GetDouble();
    }
}
