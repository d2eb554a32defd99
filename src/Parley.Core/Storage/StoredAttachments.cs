using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>
/// A message's attachments as the stores keep them beside it: one JSON array of
/// <c>{"id","name","size","type","w","h","thumb"}</c> (no width, height or thumb when there is none).
/// </summary>
public static class StoredAttachments
{
    /// <summary>Null when the message carries none.</summary>
    public static string? Encode(IReadOnlyList<Attachment>? attachments)
    {
        if (attachments is not { Count: > 0 })
            return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var a in attachments)
            {
                writer.WriteStartObject();
                writer.WriteString("id", a.Id);
                writer.WriteString("name", a.Name);
                writer.WriteNumber("size", a.Size);
                writer.WriteString("type", a.Type);
                if (a.Width is { } width)
                    writer.WriteNumber("w", width);
                if (a.Height is { } height)
                    writer.WriteNumber("h", height);
                if (a.HasThumb)
                    writer.WriteBoolean("thumb", true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Null for null or empty text.</summary>
    public static IReadOnlyList<Attachment>? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        using var document = JsonDocument.Parse(text);
        var attachments = new List<Attachment>(document.RootElement.GetArrayLength());
        foreach (var a in document.RootElement.EnumerateArray())
        {
            attachments.Add(new Attachment(
                a.GetProperty("id").GetString()!,
                a.GetProperty("name").GetString()!,
                a.GetProperty("size").GetInt64(),
                a.GetProperty("type").GetString()!,
                a.TryGetProperty("w", out var w) ? w.GetInt32() : null,
                a.TryGetProperty("h", out var h) ? h.GetInt32() : null,
                a.TryGetProperty("thumb", out var thumb) && thumb.GetBoolean()));
        }
        return attachments;
    }
}
