using System.Buffers;
using System.Reflection;
using System.Text;
using CsCheck;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Tests.Properties;

/// <summary>
/// <see cref="RequestParser"/> and the field accessors the handlers use, on random bytes and on
/// random near-JSON: a request is parsed or refused with a stable code, and reading any field of a
/// parsed one either works or throws the documented <see cref="RequestException"/>.
/// </summary>
public sealed class RequestParserProperties
{
    private static readonly HashSet<string> StableCodes = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetValue(null)!)
        .ToHashSet();

    private static readonly string[] Fields = ["id", "type", "room", "to", "with", "text", "users", "before", "limit", "silent", "since", "😀"];

    /// <summary>Parses one frame and reads every field every way; throws only if a property is broken.</summary>
    private static void ParseAndReadEverything(ReadOnlySequence<byte> frame)
    {
        var request = RequestParser.Parse(frame, out var error, out var id);
        if (request is null)
        {
            Assert.NotNull(error);
            Assert.Contains(error.Code, StableCodes);
            return;
        }
        using (request)
        {
            Assert.Null(error);
            Assert.Equal(id, request.Id);
            foreach (var field in Fields)
            {
                request.Has(field);
                Refused(() => request.OptionalString(field));
                Refused(() => request.OptionalInteger(field));
                Refused(() => request.OptionalBoolean(field));
                Refused(() => request.OptionalTime(field));
                Refused(() => request.StringArray(field));
            }
            Refused(() => request.Conversation(optional: true));
            Refused(() => request.OneOf("room", "to"));
        }
    }

    private static void Refused<T>(Func<T> read)
    {
        try
        {
            read();
        }
        catch (RequestException ex)
        {
            Assert.Contains(ex.Code, StableCodes);
        }
    }

    [Fact]
    public void Arbitrary_bytes_are_parsed_or_refused_with_a_stable_code() =>
        Gens.Bytes.Sample(bytes => ParseAndReadEverything(new ReadOnlySequence<byte>(bytes)), iter: 2000);

    [Fact]
    public void Near_json_is_parsed_or_refused_with_a_stable_code_whatever_its_segments() =>
        Gen.Select(Gens.JsonIsh, Gens.Cuts).Sample((bytes, cuts) => ParseAndReadEverything(Gens.Sequence(Gens.Cut(bytes, cuts))), iter: 3000);

    [Fact]
    public void Random_requests_with_random_field_names_are_parsed_or_refused() =>
        Gen.Select(Gens.Text.Array[0, 6], Gens.Text.Array[0, 6]).Sample((names, values) =>
        {
            // Names and values written with every character escaped, lone surrogates included.
            var fields = names.Zip(values, (n, v) => $"{Escape(n)}:{Escape(v)}");
            var json = "{\"id\":1,\"type\":\"ping\"" + string.Concat(fields.Select(f => "," + f)) + "}";
            ParseAndReadEverything(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));
        }, iter: 1000);

    private static string Escape(string text) => "\"" + string.Concat(text.Select(c => $"\\u{(int)c:x4}")) + "\"";

    /// <summary>Found by the json fuzz target: any lookup walked past a name holding a lone surrogate escape and threw.</summary>
    [Theory]
    [InlineData("{\"id\":4,\"type\":\"s\",\"tex\\ud8caf9 t\":\"3d\\ude00\"}")]
    [InlineData("{\"type\":\"ping\",\"id\":1,\"\\ud800\":1}")]
    [InlineData("{\"\\udc00\":1,\"id\":1,\"type\":\"ping\"}")]
    [InlineData("{\"id\":1,\"type\":\"send\",\"attachment\":{\"\\ud800x\":2}}")]
    public void A_property_name_with_a_lone_surrogate_escape_is_refused_not_thrown(string json)
    {
        var frame = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        ParseAndReadEverything(frame);
        Assert.Null(RequestParser.Parse(frame, out var error, out _));
        Assert.Equal(ErrorCodes.BadJson, error!.Code);
    }

    [Fact]
    public void A_property_name_with_a_whole_escaped_pair_is_still_a_request()
    {
        using var request = RequestParser.Parse(new ReadOnlySequence<byte>("{\"id\":1,\"type\":\"ping\",\"\\ud83d\\ude00\":\"\\u00e9\"}"u8.ToArray()), out var error, out _);
        Assert.Null(error);
        Assert.Equal("é", request!.OptionalString("😀"));
    }
}
