using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>Turns one line (or WebSocket message) into a <see cref="JsonRequest"/>, or says exactly what is wrong with it.</summary>
public static class RequestParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    /// <summary>
    /// Parses <paramref name="frame"/>. On failure returns null and sets <paramref name="error"/>;
    /// <paramref name="id"/> is then the request's id if it could be read, so the error can still be correlated.
    /// </summary>
    public static JsonRequest? Parse(ReadOnlySequence<byte> frame, out RequestException? error, out RequestId? id)
    {
        id = null;
        // The document keeps referring to its input, which the transport reuses: give it its own
        // copy, rented, and returned when the request is disposed.
        var length = checked((int)frame.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        frame.CopyTo(bytes);
        var input = bytes.AsMemory(0, length);
        if (!Utf8.IsValid(input.Span))
            return Fail(null, bytes, ErrorCodes.BadUtf8, "the request is not valid UTF-8", out error);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input, Options);
        }
        catch (JsonException ex)
        {
            return Fail(null, bytes, ErrorCodes.BadJson, $"the request is not valid JSON ({FirstSentence(ex.Message)})", out error);
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return Fail(document, bytes, ErrorCodes.NotObject, "a request is a JSON object: {\"id\": 1, \"type\": \"ping\"}", out error);
        // Looking up any property walks past the names of the others, and a name that does not
        // decode makes the lookup throw: refuse such a request before anything looks (found by fuzzing).
        if (input.Span.IndexOf("\\u"u8) >= 0 && HasUndecodableName(root))
            return Fail(document, bytes, ErrorCodes.BadJson, "a property name is not valid text (it holds a lone surrogate escape)", out error);
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.Number or JsonValueKind.String)
            id = RequestId.Of(idElement);
        else if (root.TryGetProperty("id", out _))
            return Fail(document, bytes, ErrorCodes.BadField, "'id' must be a number or a string", out error);

        if (!root.TryGetProperty("type", out var typeElement))
            return Fail(document, bytes, ErrorCodes.MissingField, "a request needs a 'type'", out error);
        if (typeElement.ValueKind != JsonValueKind.String)
            return Fail(document, bytes, ErrorCodes.BadField, "'type' must be a string", out error);

        // Most frames are sends: their type needs no string of its own.
        var type = "send";
        if (!JsonMarshal.GetRawUtf8Value(typeElement).SequenceEqual("\"send\""u8) && !JsonRequest.TryGetText(typeElement, out type))
            return Fail(document, bytes, ErrorCodes.BadField, "'type' is not valid text (it holds a lone surrogate escape)", out error);

        error = null;
        return new JsonRequest(document, bytes, id, type);
    }

    /// <summary>Whether a property name anywhere in <paramref name="element"/> holds a lone surrogate escape such as "\ud800".</summary>
    private static bool HasUndecodableName(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (HasUndecodableName(item))
                    return true;
            }
            return false;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return false;
        foreach (var property in element.EnumerateObject())
        {
            // Only a name with an escape can fail to decode; the rest are valid UTF-8 already.
            if (JsonMarshal.GetRawUtf8PropertyName(property).IndexOf((byte)'\\') >= 0 && !CanDecode(property))
                return true;
            if (HasUndecodableName(property.Value))
                return true;
        }
        return false;
    }

    private static bool CanDecode(JsonProperty property)
    {
        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonRequest? Fail(JsonDocument? document, byte[] input, string code, string message, out RequestException error)
    {
        document?.Dispose();
        ArrayPool<byte>.Shared.Return(input);
        error = new RequestException(code, message);
        return null;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
