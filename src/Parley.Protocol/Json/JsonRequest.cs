using System.Buffers;
using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>
/// One parsed request line. Field accessors throw <see cref="RequestException"/> with
/// <c>missing_field</c> or <c>bad_field</c>, so handlers read like the protocol table.
/// Owns its <see cref="JsonDocument"/> and the rented bytes it was parsed from: dispose after the
/// reply is written (the id refers to them too).
/// </summary>
public sealed partial class JsonRequest(JsonDocument document, byte[] input, RequestId? id, string type) : IDisposable
{
    private bool _disposed;

    private JsonElement Root => document.RootElement;

    /// <summary>The client's id, echoed as <c>re</c>; null when the client sent none.</summary>
    public RequestId? Id { get; } = id;

    public string Type { get; } = type;

    public bool Has(string field) => Root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public string String(string field) =>
        OptionalString(field) ?? throw new RequestException(ErrorCodes.MissingField, $"'{Type}' needs the field '{field}'");

    public string? OptionalString(string field)
    {
        if (!Root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new RequestException(ErrorCodes.BadField, $"'{field}' must be a string");
        return TryGetText(value, out var text)
            ? text
            : throw new RequestException(ErrorCodes.BadField, $"'{field}' is not valid text (it holds a lone surrogate escape)");
    }

    /// <summary>
    /// Reads a JSON string. Valid UTF-8 can still spell an invalid string with an escape such as
    /// "\ud800" (a lone surrogate); System.Text.Json refuses to decode it, and so do we.
    /// </summary>
    internal static bool TryGetText(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>A field that must be an array of strings (it may be empty).</summary>
    public IReadOnlyList<string> StringArray(string field)
    {
        if (!Root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new RequestException(ErrorCodes.MissingField, $"'{Type}' needs the field '{field}'");
        if (value.ValueKind != JsonValueKind.Array)
            throw new RequestException(ErrorCodes.BadField, $"'{field}' must be an array of strings");
        var items = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TryGetText(item, out var text))
                throw new RequestException(ErrorCodes.BadField, $"'{field}' must be an array of strings");
            items.Add(text);
        }
        return items;
    }

    public long Integer(string field) =>
        OptionalInteger(field) ?? throw new RequestException(ErrorCodes.MissingField, $"'{Type}' needs the field '{field}'");

    public long? OptionalInteger(string field)
    {
        if (!Root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new RequestException(ErrorCodes.BadField, $"'{field}' must be a whole number, 0 or more");
    }

    /// <summary>A UTC time as the server writes them (<c>2026-11-25T13:37:11.302Z</c>; the fraction may be left out or shorter).</summary>
    public DateTimeOffset? OptionalTime(string field)
    {
        if (OptionalString(field) is not { } text)
            return null;
        return text.EndsWith('Z') && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new RequestException(ErrorCodes.BadField, $"'{field}' must be a UTC time such as 2026-12-31T23:59:00Z");
    }

    /// <summary>
    /// A conversation named by <c>room</c>, or by the other user as <c>to</c> (as <c>send</c> names
    /// it) or <c>with</c> (as <c>history</c> does): at most one of the three, and one unless
    /// <paramref name="optional"/>.
    /// </summary>
    public (string? Room, string? User) Conversation(bool optional = false)
    {
        var room = OptionalString("room");
        var to = OptionalString("to");
        var with = OptionalString("with");
        var given = (room is null ? 0 : 1) + (to is null ? 0 : 1) + (with is null ? 0 : 1);
        if (given > 1)
            throw new RequestException(ErrorCodes.BadField, "give one of 'room', 'to' or 'with'");
        if (given == 0 && !optional)
            throw new RequestException(ErrorCodes.MissingField, $"'{Type}' needs 'room' or 'to'");
        return (room, to ?? with);
    }

    /// <summary>Exactly one of two fields, such as <c>room</c> or <c>to</c>.</summary>
    public (string? First, string? Second) OneOf(string first, string second)
    {
        var a = OptionalString(first);
        var b = OptionalString(second);
        return (a, b) switch
        {
            (null, null) => throw new RequestException(ErrorCodes.MissingField, $"'{Type}' needs '{first}' or '{second}'"),
            (not null, not null) => throw new RequestException(ErrorCodes.BadField, $"give '{first}' or '{second}', not both"),
            _ => (a, b),
        };
    }

    /// <summary>
    /// Frees the parsed body once every field has been read (the id is a copy of its own). A send
    /// awaits its commit for a while, often with thousands of others, and the document and its
    /// bytes would wait with it, long enough for the collector to promote them.
    /// </summary>
    public void ReleaseBody() => Dispose();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        document.Dispose();
        ArrayPool<byte>.Shared.Return(input);
    }
}
