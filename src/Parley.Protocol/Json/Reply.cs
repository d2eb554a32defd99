using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

/// <summary>What a handler answers: <c>ok</c> with extra fields, or an <c>error</c>.</summary>
public readonly record struct Reply(Action<Utf8JsonWriter, object?>? Fields, object? State, ChatError? Error)
{
    public static readonly Reply Ok = new(null, null, null);

    public static Reply With(Action<Utf8JsonWriter> fields) => new(static (writer, fields) => ((Action<Utf8JsonWriter>)fields!)(writer), fields, null);

    /// <summary>For the frequent replies: a static <paramref name="fields"/> given its <paramref name="state"/>, no closure.</summary>
    public static Reply With(object state, Action<Utf8JsonWriter, object?> fields) => new(fields, state, null);

    public static Reply Fail(string code, string message) => new(null, null, new ChatError(code, message));

    public static implicit operator Reply(ChatError error) => new(null, null, error);

    /// <summary>The reply line for request <paramref name="id"/>.</summary>
    public byte[] Encode(RequestId? id) => JsonWire.Write((this, id), static (writer, state) => state.Item1.Write(writer, state.id));

    private static readonly JsonEncodedText OkType = JsonEncodedText.Encode("ok");
    private static readonly JsonEncodedText ErrorType = JsonEncodedText.Encode("error");

    private void Write(Utf8JsonWriter writer, RequestId? id)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(JsonWire.Property.Re);
        if (id is { } value)
            writer.WriteRawValue(value.Utf8, skipInputValidation: true);
        else
            writer.WriteNullValue();
        if (Error is not null)
        {
            writer.WriteString(JsonWire.Property.Type, ErrorType);
            writer.WriteString("code", Error.Code);
            writer.WriteString("message", Error.Message);
        }
        else
        {
            writer.WriteString(JsonWire.Property.Type, OkType);
            Fields?.Invoke(writer, State);
        }
        writer.WriteEndObject();
    }
}
