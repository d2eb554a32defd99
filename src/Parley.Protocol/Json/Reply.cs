using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>What a handler answers: <c>ok</c> with extra fields, or an <c>error</c>.</summary>
public readonly record struct Reply(Action<Utf8JsonWriter>? Fields, ChatError? Error)
{
    public static readonly Reply Ok = new(null, null);

    public static Reply With(Action<Utf8JsonWriter> fields) => new(fields, null);

    public static Reply Fail(string code, string message) => new(null, new ChatError(code, message));

    public static implicit operator Reply(ChatError error) => new(null, error);

    /// <summary>The reply line for request <paramref name="id"/>.</summary>
    public byte[] Encode(JsonElement? id)
    {
        var (fields, failure) = (Fields, Error);
        return JsonWire.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("re");
            // The raw text, escapes and all: an id comes back exactly as sent, even one that does not decode.
            if (id is { } value)
                writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
            else
                writer.WriteNullValue();
            if (failure is not null)
            {
                writer.WriteString("type", "error");
                writer.WriteString("code", failure.Code);
                writer.WriteString("message", failure.Message);
            }
            else
            {
                writer.WriteString("type", "ok");
                fields?.Invoke(writer);
            }
            writer.WriteEndObject();
        });
    }
}
