using System.Buffers;
using System.Text;
using Parley.Server.Transports;

namespace Parley.Tests.Transports;

public sealed class WebSocketUpgradeRequestTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static string Head(string requestLine = "GET /ws HTTP/1.1", params string[] headers)
    {
        var all = headers.Length > 0 ? headers :
        [
            "Host: 127.0.0.1:8080", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}",
        ];
        return requestLine + "\r\n" + string.Concat(all.Select(h => h + "\r\n")) + "\r\n";
    }

    private static UpgradeVerdict Read(string text, out WebSocketUpgradeRequest request) =>
        WebSocketUpgradeRequest.Read(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), out request);

    private static UpgradeVerdict Read(string text) => Read(text, out _);

    [Fact]
    public void A_valid_upgrade_is_taken_and_its_head_measured_without_the_bytes_after_it()
    {
        var head = Head();
        Assert.Equal(UpgradeVerdict.Upgrade, Read(head + "\x81\x85early frame", out var request));
        Assert.Equal(head.Length, request.HeadLength);
        Assert.Equal(Key, request.Key);
    }

    [Fact]
    public void X_forwarded_for_is_read_and_given_twice_is_left_to_kestrel()
    {
        string[] upgrade =
        [
            "Host: 127.0.0.1:8080", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}",
        ];
        Assert.Equal(UpgradeVerdict.Upgrade, Read(Head(), out var plain));
        Assert.Null(plain.ForwardedFor);
        Assert.Equal(UpgradeVerdict.Upgrade, Read(Head("GET /ws HTTP/1.1", [.. upgrade, "x-forwarded-for:  198.51.100.1, 203.0.113.7 "]), out var proxied));
        Assert.Equal("198.51.100.1, 203.0.113.7", proxied.ForwardedFor);
        // Two lines are one list: joining them is Kestrel's (and the forwarded-headers middleware's) to do.
        Assert.Equal(UpgradeVerdict.NotThis, Read(Head("GET /ws HTTP/1.1", [.. upgrade, "X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 203.0.113.7"])));
    }

    [Fact]
    public void The_accept_key_is_RFC_6455_s_example()
    {
        Read(Head(), out var request);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", request.AcceptKey());
        var response = Encoding.ASCII.GetString(request.SwitchingProtocolsResponse());
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", response);
        Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", response);
        Assert.EndsWith("\r\n\r\n", response);
    }

    [Fact]
    public void Header_names_in_any_case_token_lists_a_query_and_a_same_origin_page_are_taken()
    {
        Assert.Equal(UpgradeVerdict.Upgrade, Read(Head("GET /ws?v=1 HTTP/1.1",
            "host: example.org:8080", "connection: keep-alive, Upgrade", "UPGRADE: WebSocket",
            "sec-websocket-version:13", $"SEC-WEBSOCKET-KEY:   {Key}  ", "Origin: http://example.org:8080",
            "User-Agent: Mozilla/5.0", "Sec-WebSocket-Extensions: permessage-deflate")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("GET /w")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\n")]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r")]
    public void A_beginning_that_may_still_be_an_upgrade_asks_for_more(string start) =>
        Assert.Equal(UpgradeVerdict.NeedMore, Read(start));

    [Theory]
    [InlineData("POST /ws HTTP/1.1")]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("GET /wsx HTTP/1.1")]
    [InlineData("GET /ws/more HTTP/1.1")]
    [InlineData("GET /ws HTTP/1.0")]
    [InlineData("GET  /ws HTTP/1.1")]
    [InlineData("get /ws HTTP/1.1")]
    public void Another_request_line_is_Kestrel_s(string requestLine) =>
        Assert.Equal(UpgradeVerdict.NotThis, Read(Head(requestLine)));

    [Theory]
    [InlineData("Connection: keep-alive")]          // no Upgrade token
    [InlineData("Upgrade: h2c")]
    [InlineData("Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Key: c2hvcnQ=")]       // not 16 bytes
    [InlineData("Sec-WebSocket-Key: not base64 at all!!!!!!")]
    [InlineData("Host:")]
    [InlineData("Origin: http://evil.example")]
    [InlineData("Content-Length: 5")]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData(" folded: line")]
    [InlineData("Bad Name: x")]
    [InlineData("NoColon")]
    [InlineData("X-Name: caf\u00e9")]                 // not ASCII
    public void An_upgrade_with_a_header_this_reader_will_not_judge_is_Kestrel_s(string replaced)
    {
        var headers = new List<string>
        {
            "Host: 127.0.0.1:8080", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}",
        };
        var name = replaced.Split(':')[0];
        var at = headers.FindIndex(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        if (at >= 0)
            headers[at] = replaced;
        else
            headers.Add(replaced);
        Assert.Equal(UpgradeVerdict.NotThis, Read(Head("GET /ws HTTP/1.1", [.. headers])));
    }

    [Theory]
    [InlineData("Host: 127.0.0.1:8080")]
    [InlineData($"Sec-WebSocket-Key: {Key}")]
    [InlineData("Origin: http://127.0.0.1:8080")]
    [InlineData("Upgrade: websocket")]
    [InlineData("Connection: Upgrade")]
    [InlineData("Sec-WebSocket-Version: 13")]
    public void A_header_it_reads_given_twice_is_Kestrel_s(string twice)
    {
        var headers = new List<string>
        {
            "Host: 127.0.0.1:8080", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}", "Origin: http://127.0.0.1:8080", twice,
        };
        Assert.Equal(UpgradeVerdict.NotThis, Read(Head("GET /ws HTTP/1.1", [.. headers])));
    }

    [Theory]
    [InlineData("GET /ws HTTP/1.1\nHost: a\n")]                 // bare LFs, head not yet whole
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\rb\r\n")]          // a lone CR
    public void Line_ends_Kestrel_reads_differently_are_its_at_once(string start) =>
        Assert.Equal(UpgradeVerdict.NotThis, Read(start));

    [Fact]
    public void A_lone_CR_inside_a_whole_head_is_Kestrel_s() =>
        Assert.Equal(UpgradeVerdict.NotThis, Read(Head("GET /ws HTTP/1.1",
            "Host: 127.0.0.1:8080", "Connection: Upgrade", "Upgrade: websocket\rX-Smuggled: 1",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}")));

    [Fact]
    public void A_head_longer_than_the_limit_is_Kestrel_s_whole_or_not()
    {
        var padding = "X-Padding: " + new string('a', WebSocketUpgradeRequest.MaxHeadBytes);
        var head = Head("GET /ws HTTP/1.1", "Host: a", "Connection: Upgrade", "Upgrade: websocket",
            "Sec-WebSocket-Version: 13", $"Sec-WebSocket-Key: {Key}", padding);
        Assert.Equal(UpgradeVerdict.NotThis, Read(head));
        Assert.Equal(UpgradeVerdict.NotThis, Read(head[..(WebSocketUpgradeRequest.MaxHeadBytes + 10)]));
    }

    [Fact]
    public void A_head_split_over_segments_reads_as_one()
    {
        var bytes = Encoding.ASCII.GetBytes(Head());
        var first = new Segment(bytes.AsMemory(0, 5));
        var last = first.Append(bytes.AsMemory(5, 30)).Append(bytes.AsMemory(35));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.Equal(UpgradeVerdict.Upgrade, WebSocketUpgradeRequest.Read(sequence, out var request));
        Assert.Equal(bytes.Length, request.HeadLength);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
