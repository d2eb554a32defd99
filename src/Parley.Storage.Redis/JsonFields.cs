using System.Text.Json;

namespace Parley.Storage.Redis;

/// <summary>Reading string fields of the JSON payloads on the backplane channel.</summary>
internal static class JsonFields
{
    public static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string Required(JsonElement root, string name, string what) =>
        Optional(root, name) ?? throw new FormatException($"{what} has no string \"{name}\"");
}
