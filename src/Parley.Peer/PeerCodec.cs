using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Parley.Peer;

/// <summary>
/// The p2p wire format: one UTF-8 JSON object per datagram, <c>{"v":1,"kind":"msg","name":"alice","text":"hi"}</c>
/// or <c>{"v":1,"kind":"left","name":"alice"}</c>. A pure codec: bytes in and out, no socket, so every
/// malformed case is tested on bytes. Errors are short phrases meant to end a printed line (docs/p2p.md).
/// </summary>
public static class PeerCodec
{
    public const int Version = 1;

    /// <summary>
    /// The largest datagram sent or accepted, in bytes. Far below UDP's 65,507: a big datagram is cut into
    /// IP fragments and lost whole if one fragment is, some networks drop fragments, and macOS refuses to
    /// send UDP datagrams over 9,216 bytes by default.
    /// </summary>
    public const int MaxDatagramBytes = 8192;

    /// <summary>The longest name, in UTF-16 code units.</summary>
    public const int MaxNameLength = 64;

    // Non-ASCII text is written as UTF-8, not \uXXXX escapes, so the limit is about the same number of
    // bytes a user sees as text. "Unsafe" concerns embedding JSON in HTML, which never happens here;
    // quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    /// <summary>Encodes a message, or says why it cannot go in one datagram (nothing is sent then).</summary>
    public static bool TryEncode(PeerMessage message, [NotNullWhen(true)] out byte[]? datagram, [NotNullWhen(false)] out string? error)
    {
        datagram = null;
        error = CheckName(message.Name);
        if (error is not null)
            return false;

        if (!IsValidUtf16(message.Name) || !IsValidUtf16(message.Text))
        {
            // A lone surrogate has no UTF-8 form; the writer would escape it and every peer would refuse it.
            error = "the text is not valid Unicode";
            return false;
        }

        var buffer = new ArrayBufferWriter<byte>(128 + message.Text.Length);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            writer.WriteString("kind"u8, message.Kind == PeerMessageKind.Left ? "left"u8 : "msg"u8);
            writer.WriteString("name"u8, message.Name);
            if (message.Kind == PeerMessageKind.Message)
                writer.WriteString("text"u8, message.Text);
            writer.WriteEndObject();
        }

        if (buffer.WrittenCount > MaxDatagramBytes)
        {
            error = $"too large: {buffer.WrittenCount} bytes as a datagram, the limit is {MaxDatagramBytes}";
            return false;
        }
        datagram = buffer.WrittenSpan.ToArray();
        return true;
    }

    /// <summary>Why a name cannot be sent, or null if it can.</summary>
    public static string? CheckName(string name) =>
        name.Length == 0 ? "the name is empty"
        : name.Length > MaxNameLength ? $"the name is longer than {MaxNameLength} characters"
        : null;

    /// <summary>
    /// Decodes one whole datagram. On failure <paramref name="error"/> says what is wrong with it; it may
    /// quote received text, so neutralise it before printing (<see cref="PeerRenderer.Malformed"/> does).
    /// Unknown properties are ignored, so a later version can add some.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out PeerMessage? message, [NotNullWhen(false)] out string? error)
    {
        message = null;
        if (datagram.IsEmpty)
            error = "empty datagram";
        else if (datagram.Length > MaxDatagramBytes)
            error = $"larger than the {MaxDatagramBytes}-byte limit";
        else if (!Utf8.IsValid(datagram))
            error = "not valid UTF-8";
        else
        {
            try
            {
                error = Parse(datagram, out message);
            }
            catch (JsonException)
            {
                // Utf8JsonReader sees the whole datagram as final, so a cut-off object lands here too.
                error = "not valid JSON (or cut short)";
            }
            catch (InvalidOperationException)
            {
                // GetString on an escaped lone surrogate such as "\ud800".
                error = "a string is not valid Unicode";
            }
        }
        return error is null;
    }

    private static string? Parse(ReadOnlySpan<byte> datagram, out PeerMessage? message)
    {
        message = null;
        var reader = new Utf8JsonReader(datagram, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            return "not a JSON object";

        int? version = null;
        string? kind = null, name = null, text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string? problem;
            if (reader.ValueTextEquals("v"u8))
                problem = ReadVersion(ref reader, ref version);
            else if (reader.ValueTextEquals("kind"u8))
                problem = ReadString(ref reader, "kind", ref kind);
            else if (reader.ValueTextEquals("name"u8))
                problem = ReadString(ref reader, "name", ref name);
            else if (reader.ValueTextEquals("text"u8))
                problem = ReadString(ref reader, "text", ref text);
            else
            {
                reader.Skip();
                problem = null;
            }
            if (problem is not null)
                return problem;
        }
        // The loop ends on the object's closing brace; anything after it makes the reader throw.
        while (reader.Read())
        {
        }

        if (version is null)
            return "missing \"v\"";
        if (version != Version)
            return $"unsupported version {version} (this peer speaks version {Version})";
        var parsedKind = kind switch
        {
            null => (PeerMessageKind?)null,
            "msg" => PeerMessageKind.Message,
            "left" => PeerMessageKind.Left,
            _ => null,
        };
        if (parsedKind is null)
            return kind is null ? "missing \"kind\"" : $"unknown kind \"{Shorten(kind)}\"";
        if (name is null)
            return "missing \"name\"";
        if (CheckName(name) is { } nameProblem)
            return nameProblem;
        if (parsedKind == PeerMessageKind.Message && text is null)
            return "missing \"text\"";

        message = new PeerMessage(parsedKind.Value, name, parsedKind == PeerMessageKind.Message ? text! : "");
        return null;
    }

    private static string? ReadVersion(ref Utf8JsonReader reader, ref int? version)
    {
        if (version is not null)
            return "duplicate \"v\"";
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
            return "\"v\" is not an integer";
        version = value;
        return null;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string property, ref string? value)
    {
        if (value is not null)
            return $"duplicate \"{property}\"";
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
            return $"\"{property}\" is not a string";
        value = reader.GetString();
        return null;
    }

    private static bool IsValidUtf16(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
            return true;
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != OperationStatus.Done)
                return false;
            text = text[used..];
        }
        return true;
    }

    private static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";
}
