using System.Buffers;
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
    public static JsonRequest? Parse(ReadOnlySequence<byte> frame, out RequestException? error, out JsonElement? id)
    {
        id = null;
        // The document keeps referring to its input, which the transport reuses: give it its own copy.
        var bytes = frame.ToArray();
        if (!Utf8.IsValid(bytes))
        {
            error = new RequestException(ErrorCodes.BadUtf8, "the request is not valid UTF-8");
            return null;
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException ex)
        {
            error = new RequestException(ErrorCodes.BadJson, $"the request is not valid JSON ({FirstSentence(ex.Message)})");
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            error = new RequestException(ErrorCodes.NotObject, "a request is a JSON object: {\"id\": 1, \"type\": \"ping\"}");
            return null;
        }
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind is JsonValueKind.Number or JsonValueKind.String)
            id = idElement.Clone();
        else if (root.TryGetProperty("id", out _))
            return Fail(document, ErrorCodes.BadField, "'id' must be a number or a string", out error);

        if (!root.TryGetProperty("type", out var typeElement))
            return Fail(document, ErrorCodes.MissingField, "a request needs a 'type'", out error);
        if (typeElement.ValueKind != JsonValueKind.String)
            return Fail(document, ErrorCodes.BadField, "'type' must be a string", out error);

        if (!JsonRequest.TryGetText(typeElement, out var type))
            return Fail(document, ErrorCodes.BadField, "'type' is not valid text (it holds a lone surrogate escape)", out error);

        error = null;
        return new JsonRequest(document, id, type);
    }

    private static JsonRequest? Fail(JsonDocument document, string code, string message, out RequestException error)
    {
        document.Dispose();
        error = new RequestException(code, message);
        return null;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
