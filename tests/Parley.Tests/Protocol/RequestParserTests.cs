using System.Buffers;
using System.Text;
using System.Text.Json;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Tests.Protocol;

/// <summary>
/// <see cref="RequestParser"/> and <see cref="JsonRequest"/> on raw frames: every way a request can
/// be wrong maps to its stable code; and <see cref="JsonEventEncoder"/>'s output, read back as JSON.
/// </summary>
public sealed class RequestParserTests
{
    private static readonly FileLinks Links = new(new byte[32], TimeProvider.System);

    private static ReadOnlySequence<byte> Frame(string text) => new(Encoding.UTF8.GetBytes(text));

    private static (JsonRequest? Request, RequestException? Error, RequestId? Id) Parse(ReadOnlySequence<byte> frame)
    {
        var request = RequestParser.Parse(frame, out var error, out var id);
        return (request, error, id);
    }

    private static (JsonRequest? Request, RequestException? Error, RequestId? Id) Parse(string text) => Parse(Frame(text));

    private static void AssertFails((JsonRequest? Request, RequestException? Error, RequestId? Id) parsed, string code)
    {
        Assert.Null(parsed.Request);
        Assert.NotNull(parsed.Error);
        Assert.Equal(code, parsed.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Error.Message));
    }

    /// <summary>A segmented sequence, as a pipe hands over a line that spans buffers.</summary>
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment? first = null, last = null;
        for (var i = 0; i < bytes.Length; i += segmentSize)
        {
            var chunk = bytes.AsMemory(i, Math.Min(segmentSize, bytes.Length - i));
            if (first is null)
                first = last = new Segment(chunk, 0);
            else
                last = last!.Append(chunk);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    // ---- Parser: the happy path -------------------------------------------------------------

    [Fact]
    public void A_well_formed_request_gives_its_type_id_and_fields()
    {
        var (request, error, id) = Parse("{\"id\":7,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"h\u00e9 \U0001F600\"}");
        Assert.Null(error);
        using (request)
        {
            Assert.NotNull(request);
            Assert.Equal("send", request!.Type);
            Assert.Equal("7", request.Id!.Value.ToString());
            Assert.Equal("7", id!.Value.ToString());
            Assert.Equal("lobby", request.String("room"));
            Assert.Equal("h\u00e9 \U0001F600", request.String("text"));
        }
    }

    [Fact]
    public void A_string_id_is_kept_as_a_string_and_no_id_is_null()
    {
        var (withId, _, _) = Parse("{\"id\":\"abc-1\",\"type\":\"ping\"}");
        using (withId)
        {
            Assert.Equal("\"abc-1\"", withId!.Id!.Value.ToString());
        }
        var (noId, error, id) = Parse("{\"type\":\"ping\"}");
        using (noId)
        {
            Assert.Null(error);
            Assert.Null(noId!.Id);
            Assert.Null(id);
        }
    }

    [Fact]
    public void The_request_owns_a_copy_of_the_frame_so_the_transport_may_reuse_its_buffer()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"keep me\"}");
        var (request, error, _) = Parse(Segmented(bytes, 5));
        Assert.Null(error);
        Array.Fill(bytes, (byte)'#');
        using (request)
        {
            Assert.Equal("send", request!.Type);
            Assert.Equal("keep me", request.String("text"));
        }
    }

    [Fact]
    public void Whitespace_around_the_object_is_allowed()
    {
        var (request, error, _) = Parse(" \t{\"type\":\"ping\"}  ");
        using (request)
        {
            Assert.Null(error);
            Assert.Equal("ping", request!.Type);
        }
    }

    // ---- Parser: each way to be wrong ---------------------------------------------------------

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })]                 // {"t":"<FF>"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D })]           // overlong '/'
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })]     // UTF-8-encoded surrogate
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0xE2, 0x82, 0x22, 0x7D })]           // truncated sequence
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x22, 0x80, 0x22, 0x7D })]                 // lone continuation byte
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]                                                 // beyond U+10FFFF
    public void Invalid_UTF8_is_bad_utf8(byte[] bytes)
    {
        var parsed = Parse(new ReadOnlySequence<byte>(bytes));
        AssertFails(parsed, ErrorCodes.BadUtf8);
        Assert.Null(parsed.Id);
    }

    [Fact]
    public void Invalid_UTF8_is_bad_utf8_even_with_a_readable_id()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"id\":1,\"type\":\"ping\",\"x\":\"?\"}");
        bytes[^3] = 0xFE;
        AssertFails(Parse(new ReadOnlySequence<byte>(bytes)), ErrorCodes.BadUtf8);
    }

    [Theory]
    [InlineData("{\"id\":1,\"type\":")]
    [InlineData("{'id':1,'type':'ping'}")]
    [InlineData("{\"id\":1,\"type\":\"ping\"} trailing")]
    [InlineData("{\"id\":1,\"type\":\"ping\"}{\"id\":2}")]
    [InlineData("{\"id\":1,\"type\":\"ping\",}")]
    [InlineData("{\"id\":1,\"type\":\"ping\" /* comment */}")]
    [InlineData("{id:1}")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("nonsense")]
    [InlineData("{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}")]
    public void Text_that_is_not_JSON_is_bad_json(string text)
    {
        var parsed = Parse(text);
        AssertFails(parsed, ErrorCodes.BadJson);
        Assert.Null(parsed.Id);
    }

    [Theory]
    [InlineData("[{\"id\":1,\"type\":\"ping\"}]")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[]")]
    public void JSON_that_is_not_an_object_is_not_object(string text)
    {
        var parsed = Parse(text);
        AssertFails(parsed, ErrorCodes.NotObject);
        Assert.Null(parsed.Id);
    }

    [Theory]
    [InlineData("{\"id\":{},\"type\":\"ping\"}")]
    [InlineData("{\"id\":[1],\"type\":\"ping\"}")]
    [InlineData("{\"id\":true,\"type\":\"ping\"}")]
    [InlineData("{\"id\":false,\"type\":\"ping\"}")]
    [InlineData("{\"id\":null,\"type\":\"ping\"}")]
    public void An_id_that_is_neither_number_nor_string_is_bad_field_and_not_echoed(string text)
    {
        var parsed = Parse(text);
        AssertFails(parsed, ErrorCodes.BadField);
        Assert.Contains("'id'", parsed.Error!.Message);
        Assert.Null(parsed.Id);
    }

    [Fact]
    public void A_missing_type_is_missing_field_and_the_id_is_still_returned()
    {
        var parsed = Parse("{\"id\":41,\"room\":\"lobby\"}");
        AssertFails(parsed, ErrorCodes.MissingField);
        Assert.Equal("41", parsed.Id!.Value.ToString());

        var withStringId = Parse("{\"id\":\"q\"}");
        AssertFails(withStringId, ErrorCodes.MissingField);
        Assert.Equal("\"q\"", withStringId.Id!.Value.ToString());
    }

    [Theory]
    [InlineData("{\"id\":3,\"type\":5}")]
    [InlineData("{\"id\":3,\"type\":[\"ping\"]}")]
    [InlineData("{\"id\":3,\"type\":{\"name\":\"ping\"}}")]
    [InlineData("{\"id\":3,\"type\":true}")]
    public void A_type_that_is_not_a_string_is_bad_field_with_the_id(string text)
    {
        var parsed = Parse(text);
        AssertFails(parsed, ErrorCodes.BadField);
        Assert.Contains("'type'", parsed.Error!.Message);
        Assert.Equal("3", parsed.Id!.Value.ToString());
    }

    [Fact]
    public void A_type_with_an_escaped_lone_surrogate_is_an_error_not_an_exception()
    {
        // Valid UTF-8 and valid JSON syntax, but the escape names half a character: there is no
        // string to give the command table. The parser must say so, not throw at the transport.
        var frame = Frame("{\"id\":9,\"type\":\"\\ud800\"}");
        JsonRequest? request = null;
        RequestException? error = null;
        var thrown = Record.Exception(() => request = RequestParser.Parse(frame, out error, out _));
        Assert.Null(thrown);
        Assert.Null(request);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("{\"id\":\"x\\udc00\",\"type\":\"ping\"}")]
    [InlineData("{\"id\":\"x\\udc00\"}")]
    [InlineData("{\"id\":\"\\ud800\",\"type\":5}")]
    public void An_id_with_an_escaped_lone_surrogate_can_still_be_answered(string text)
    {
        // Whatever the parser makes of such an id, the reply to the frame must be writable:
        // the session encodes it with Reply.Encode(id) on the transport's reader loop.
        var thrown = Record.Exception(() =>
        {
            var request = RequestParser.Parse(Frame(text), out var error, out var id);
            using (request)
            {
                var reply = request is null ? Reply.Fail(error!.Code, error.Message) : Reply.Ok;
                var bytes = reply.Encode(request?.Id ?? id);
                Assert.Equal(JsonValueKind.Object, Decode(bytes).ValueKind);
            }
        });
        Assert.Null(thrown);
    }

    [Fact]
    public void A_request_whose_body_is_released_still_answers_to_its_id_exactly()
    {
        var request = RequestParser.Parse(Frame("{\"id\":\"a\\u00e9\",\"type\":\"send\",\"room\":\"lobby\",\"text\":\"hi\"}"), out _, out _)!;
        Assert.Equal("hi", request.String("text"));
        request.ReleaseBody();
        Assert.Throws<ObjectDisposedException>(() => request.String("text"));
        var reply = Encoding.UTF8.GetString(Reply.Ok.Encode(request.Id));
        Assert.Equal("{\"re\":\"a\\u00e9\",\"type\":\"ok\"}", reply);
        request.Dispose();
    }

    // ---- JsonRequest field accessors ------------------------------------------------------------

    private static JsonRequest Request(string text)
    {
        var (request, error, _) = Parse(text);
        Assert.Null(error);
        return request!;
    }

    private static string CodeOf(Action action) => Assert.Throws<RequestException>(action).Code;

    [Fact]
    public void Missing_fields_are_missing_field_and_null_counts_as_missing()
    {
        using var request = Request("{\"id\":1,\"type\":\"send\",\"room\":null}");
        Assert.Equal(ErrorCodes.MissingField, CodeOf(() => request.String("text")));
        Assert.Equal(ErrorCodes.MissingField, CodeOf(() => request.String("room")));
        Assert.Equal(ErrorCodes.MissingField, CodeOf(() => request.Integer("seq")));
        Assert.Null(request.OptionalString("topic"));
        Assert.Null(request.OptionalInteger("before"));
        Assert.False(request.Has("room"));
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("[\"hi\"]")]
    [InlineData("{\"t\":\"hi\"}")]
    public void A_string_field_of_another_type_is_bad_field(string value)
    {
        using var request = Request($"{{\"type\":\"send\",\"text\":{value}}}");
        var ex = Assert.Throws<RequestException>(() => request.String("text"));
        Assert.Equal(ErrorCodes.BadField, ex.Code);
        Assert.Contains("'text'", ex.Message);
    }

    [Theory]
    [InlineData("\"5\"")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e30")]
    [InlineData("true")]
    [InlineData("[5]")]
    public void A_whole_number_field_of_another_kind_is_bad_field(string value)
    {
        using var request = Request($"{{\"type\":\"read\",\"room\":\"lobby\",\"seq\":{value}}}");
        var ex = Assert.Throws<RequestException>(() => request.Integer("seq"));
        Assert.Equal(ErrorCodes.BadField, ex.Code);
        Assert.Contains("'seq'", ex.Message);
    }

    [Fact]
    public void Whole_numbers_read_back_including_zero_and_large_values()
    {
        using var request = Request("{\"type\":\"read\",\"a\":0,\"b\":9007199254740993}");
        Assert.Equal(0, request.Integer("a"));
        Assert.Equal(9007199254740993, request.Integer("b"));
    }

    [Fact]
    public void One_of_two_fields_needs_exactly_one()
    {
        using var both = Request("{\"type\":\"send\",\"room\":\"lobby\",\"to\":\"bob\"}");
        Assert.Equal(ErrorCodes.BadField, CodeOf(() => both.OneOf("room", "to")));

        using var neither = Request("{\"type\":\"send\",\"text\":\"x\"}");
        Assert.Equal(ErrorCodes.MissingField, CodeOf(() => neither.OneOf("room", "to")));

        using var room = Request("{\"type\":\"send\",\"room\":\"lobby\",\"to\":null}");
        Assert.Equal(("lobby", (string?)null), room.OneOf("room", "to"));

        using var to = Request("{\"type\":\"send\",\"to\":\"bob\"}");
        Assert.Equal(((string?)null, "bob"), to.OneOf("room", "to"));
    }

    [Fact]
    public void A_string_field_with_an_escaped_lone_surrogate_is_a_request_error()
    {
        // A handler reading this field must get a RequestException (a stable code for the client),
        // not an InvalidOperationException that the session reports as an internal failure.
        using var request = Request("{\"id\":1,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"a\\udc00b\"}");
        var thrown = Record.Exception(() => request.String("text"));
        Assert.NotNull(thrown);
        Assert.IsType<RequestException>(thrown);
    }

    // ---- Reply and event encoding ---------------------------------------------------------------

    private static JsonElement Decode(byte[] bytes)
    {
        Assert.DoesNotContain((byte)'\n', bytes);
        return JsonDocument.Parse(bytes).RootElement;
    }

    private static string[] PropertyNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    private static readonly DateTimeOffset When = new(2026, 11, 5, 10, 20, 30, 123, TimeSpan.Zero);

    [Theory]
    [InlineData(0L, "2026-11-05T10:20:30.000Z")]
    [InlineData(9_999L, "2026-11-05T10:20:30.000Z")] // under a millisecond: cut, not rounded
    [InlineData(1_230_000L, "2026-11-05T10:20:30.123Z")]
    [InlineData(9_999_999L, "2026-11-05T10:20:30.999Z")]
    public void Timestamps_are_utc_to_the_millisecond(long ticksIntoTheSecond, string expected)
    {
        var second = new DateTimeOffset(2026, 11, 5, 12, 20, 30, TimeSpan.FromHours(2));
        Assert.Equal(expected, JsonWire.Timestamp(second.AddTicks(ticksIntoTheSecond)));
    }

    [Fact]
    public void A_room_message_event_has_the_message_fields_in_order()
    {
        var text = "line1\nline2 \"q\" \\ <img src=x onerror=alert(1)> h\u00e9 \u4e16 \U0001F600";
        var message = new StoredMessage("0190abc", "r:lobby", 12, When, "alice", "lobby", null, text);
        var bytes = new JsonEventEncoder(Links).Encode(new MessageEvent(message));
        var e = Decode(bytes);
        Assert.Equal(["type", "id", "seq", "ts", "from", "room", "text"], PropertyNames(e));
        Assert.Equal("message", e.GetProperty("type").GetString());
        Assert.Equal("0190abc", e.GetProperty("id").GetString());
        Assert.Equal(12, e.GetProperty("seq").GetInt64());
        Assert.Equal("2026-11-05T10:20:30.123Z", e.GetProperty("ts").GetString());
        Assert.Equal("alice", e.GetProperty("from").GetString());
        Assert.Equal("lobby", e.GetProperty("room").GetString());
        Assert.Equal(text, e.GetProperty("text").GetString());

        // Non-ASCII of the basic plane stays readable UTF-8 on the wire (System.Text.Json always
        // escapes characters beyond it, such as emoji, as surrogate pairs); markup is not HTML-escaped.
        var wire = Encoding.UTF8.GetString(bytes);
        Assert.Contains("h\u00e9 \u4e16 ", wire);
        Assert.Contains("<img src=x onerror=alert(1)>", wire);
    }

    [Fact]
    public void Text_is_written_as_docs_protocol_md_says_emoji_escaped_and_everything_reads_back()
    {
        // docs/protocol.md: most non-ASCII as is; <, >, & not escaped; outside the BMP (emoji) and a
        // few others such as U+2028 as \u escapes; control characters escaped so a frame is one line.
        var text = "caf\u00e9 <a href=\"x\">&</a> grin \U0001F600 sep\u2028 nl\n cr\r tab\t nul\u0000";
        var message = new StoredMessage("id1", "r:lobby", 1, When, "alice", "lobby", null, text);
        var bytes = new JsonEventEncoder(Links).Encode(new MessageEvent(message));
        var wire = Encoding.UTF8.GetString(bytes);
        Assert.Contains("caf\u00e9 <a href=\\\"x\\\">&</a>", wire);
        Assert.Contains("grin \\uD83D\\uDE00", wire);
        Assert.Contains("sep\\u2028", wire);
        Assert.DoesNotContain('\r', wire);
        Assert.DoesNotContain('\u0000', wire);
        Assert.Equal(text, Decode(bytes).GetProperty("text").GetString());
    }

    [Fact]
    public void A_direct_message_event_has_to_instead_of_room()
    {
        var message = new StoredMessage("id1", "d:alice:bob", 1, When.ToOffset(TimeSpan.FromHours(2)), "alice", null, "bob", "psst");
        var e = Decode(new JsonEventEncoder(Links).Encode(new MessageEvent(message)));
        Assert.Equal(["type", "id", "seq", "ts", "from", "to", "text"], PropertyNames(e));
        Assert.Equal("bob", e.GetProperty("to").GetString());
        // Timestamps are always UTC with a Z, whatever offset the value carried.
        Assert.Equal("2026-11-05T10:20:30.123Z", e.GetProperty("ts").GetString());
    }

    [Fact]
    public void Membership_presence_topic_read_and_bye_events_have_their_shapes()
    {
        var encoder = new JsonEventEncoder(Links);

        var join = Decode(encoder.Encode(new MembershipEvent("dev", "bob", Joined: true)));
        Assert.Equal(["type", "room", "user"], PropertyNames(join));
        Assert.Equal("join", join.GetProperty("type").GetString());
        Assert.Equal("dev", join.GetProperty("room").GetString());
        Assert.Equal("bob", join.GetProperty("user").GetString());
        Assert.Equal("leave", Decode(encoder.Encode(new MembershipEvent("dev", "bob", Joined: false))).GetProperty("type").GetString());

        var presence = Decode(encoder.Encode(new PresenceEvent("carol", Online: false)));
        Assert.Equal(["type", "user", "online"], PropertyNames(presence));
        Assert.Equal("presence", presence.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.False, presence.GetProperty("online").ValueKind);

        var topic = Decode(encoder.Encode(new TopicEvent("dev", "ship it", "alice")));
        Assert.Equal(["type", "room", "topic", "by"], PropertyNames(topic));
        Assert.Equal("ship it", topic.GetProperty("topic").GetString());
        Assert.Equal("alice", topic.GetProperty("by").GetString());

        var readRoom = Decode(encoder.Encode(new ReadEvent("dev", null, 40)));
        Assert.Equal(["type", "room", "seq"], PropertyNames(readRoom));
        Assert.Equal(40, readRoom.GetProperty("seq").GetInt64());
        var readDirect = Decode(encoder.Encode(new ReadEvent(null, "bob", 3)));
        Assert.Equal(["type", "with", "seq"], PropertyNames(readDirect));
        Assert.Equal("bob", readDirect.GetProperty("with").GetString());

        var bye = Decode(encoder.Encode(new ByeEvent(ByeReasons.LineTooLong)));
        Assert.Equal(["type", "reason"], PropertyNames(bye));
        Assert.Equal("bye", bye.GetProperty("type").GetString());
        Assert.Equal("line_too_long", bye.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_broadcast_is_encoded_once_and_the_same_bytes_are_shared()
    {
        var encoder = new JsonEventEncoder(Links);
        var broadcast = new Broadcast(new PresenceEvent("alice", Online: true));
        var first = broadcast.EncodedWith(encoder);
        var second = broadcast.EncodedWith(encoder);
        Assert.Same(first, second);
        Assert.Equal("{\"type\":\"presence\",\"user\":\"alice\",\"online\":true}", Encoding.UTF8.GetString(first));
    }

    [Fact]
    public void Replies_echo_the_id_exactly_and_carry_code_and_message_on_error()
    {
        using var doc = JsonDocument.Parse("{\"n\":17,\"s\":\"abc\"}");
        var error = Decode(Reply.Fail(ErrorCodes.NoSuchRoom, "there is no room 'x'").Encode(RequestId.Of(doc.RootElement.GetProperty("n"))));
        Assert.Equal(["re", "type", "code", "message"], PropertyNames(error));
        Assert.Equal(17, error.GetProperty("re").GetInt64());
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("no_such_room", error.GetProperty("code").GetString());
        Assert.Equal("there is no room 'x'", error.GetProperty("message").GetString());

        var ok = Decode(Reply.Ok.Encode(RequestId.Of(doc.RootElement.GetProperty("s"))));
        Assert.Equal(["re", "type"], PropertyNames(ok));
        Assert.Equal("abc", ok.GetProperty("re").GetString());
        Assert.Equal("ok", ok.GetProperty("type").GetString());

        var noId = Decode(Reply.Fail(ErrorCodes.BadJson, "nope").Encode(null));
        Assert.Equal(JsonValueKind.Null, noId.GetProperty("re").ValueKind);
    }
}
