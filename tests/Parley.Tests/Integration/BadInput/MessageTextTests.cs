using System.Text;
using Parley.Core.Model;
using Parley.Tests.Support;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Message text: its length limit in characters, empty and blank text, and text that is relayed and stored unchanged whatever it holds.</summary>
public sealed class MessageTextTests : BadInputTestBase
{
    [Fact]
    public async Task Text_of_4001_characters_gets_text_too_long_and_is_not_relayed()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = new string('a', MaxTextChars + 1) }));
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { to = "alice", text = new string('a', MaxTextChars + 1) }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Fact]
    public async Task Text_of_exactly_4000_characters_is_accepted_and_relayed_whole()
    {
        await using var mallory = await MalloryAsync();
        var text = "<" + new string('a', MaxTextChars - 2) + ">";
        await mallory.OkAsync("send", new { room = "lobby", text });
        Assert.Equal(text, Text(await Alice.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
        Assert.Equal(text, Text(await Bob.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Emoji_count_as_one_character_each()
    {
        await using var mallory = await MalloryAsync();
        const string grin = "\U0001F600"; // one character, two UTF-16 units, four UTF-8 bytes

        var allEmoji = string.Concat(Enumerable.Repeat(grin, MaxTextChars));
        await mallory.OkAsync("send", new { room = "lobby", text = allEmoji });
        Assert.Equal(allEmoji, Text(await Bob.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));

        var mixed = new string('a', MaxTextChars - 1) + grin;
        await mallory.OkAsync("send", new { room = "lobby", text = mixed });
        Assert.Equal(mixed, Text(await Alice.NextAsync("message", m => Text(m, "text") == mixed), "text"));

        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = allEmoji + grin }));
        Assert.Equal(ErrorCodes.TextTooLong, await mallory.ErrorAsync("send", new { room = "lobby", text = new string('a', MaxTextChars) + grin }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task Empty_text_gets_empty_text_and_is_not_relayed()
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { room = "lobby", text = "" }));
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { to = "alice", text = "" }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\t\r\n \u00A0")]
    [InlineData("\u3000\u3000")] // ideographic spaces
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")] // zero-width padding
    [InlineData(" \u2800 \u3164 ")] // braille blank, Hangul filler
    public async Task Blank_text_gets_empty_text_over_TCP_and_WebSocket_and_is_not_relayed(string blank)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { room = "lobby", text = blank }));
        Assert.Equal(ErrorCodes.EmptyText, await mallory.ErrorAsync("send", new { to = "alice", text = blank }));
        Assert.Equal(ErrorCodes.EmptyText, await Bob.ErrorAsync("send", new { room = "lobby", text = blank }));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData(" . ")]
    [InlineData("\u3000あ")]
    [InlineData("\u200B\U0001F44D")] // a thumbs-up after a zero-width space
    public async Task Text_with_one_visible_character_is_sent_as_it_is(string text)
    {
        await using var mallory = await MalloryAsync();
        await mallory.OkAsync("send", new { room = "lobby", text });
        Assert.Equal(text, Text(await Alice.NextAsync("message", m => Text(m, "from") == "mallory"), "text"));
    }

    [Theory]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<script>alert('x')</script> &amp; &lt; &")]
    [InlineData("/quit")]
    [InlineData("/me waves\n/nick evil")]
    [InlineData("line one\nline two\r\nline three\ttabbed")]
    [InlineData("quote \" backslash \\ slash / \\u0041")]
    [InlineData("{\"type\":\"bye\",\"reason\":\"shutdown\"}")]
    [InlineData("\u2028\u2029 separators \u0085")]
    [InlineData("  spaces around  ")]
    [InlineData("h\u00e9 \u4e16\u754c \U0001F600 \u200d\u202e reversed")]
    [InlineData("%s %n {0} $(rm -rf /) `id` '; DROP TABLE messages; --")]
    public async Task Text_is_stored_and_relayed_byte_for_byte_unchanged(string text)
    {
        await using var mallory = await MalloryAsync();
        var sent = await mallory.OkAsync("send", new { room = "lobby", text });
        var seq = sent.GetProperty("message").GetProperty("seq").GetInt64();

        foreach (var receiver in new ProtocolClient[] { Alice, Bob })
        {
            var heard = await receiver.NextAsync("message", m => Text(m, "from") == "mallory");
            Assert.Equal(seq, heard.GetProperty("seq").GetInt64());
            Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(Text(heard, "text")));
        }

        var history = await Bob.OkAsync("history", new { room = "lobby", limit = 1 });
        var stored = Assert.Single(history.GetProperty("messages").EnumerateArray());
        Assert.Equal(seq, stored.GetProperty("seq").GetInt64());
        Assert.Equal(Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(Text(stored, "text")));

        // A slash is not a command here: mallory is still signed in and in lobby.
        await mallory.OkAsync("ping");
        Assert.Contains("mallory", await OnlineAsync(Alice));
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_direct_message_with_markup_reaches_its_recipient_unchanged()
    {
        await using var mallory = await MalloryAsync();
        const string text = "<b>hi</b>\n/whois alice";
        await mallory.OkAsync("send", new { to = "bob", text });
        var heard = await Bob.NextAsync("message", m => m.TryGetProperty("to", out _));
        Assert.Equal(text, Text(heard, "text"));
        Assert.Equal("mallory", Text(heard, "from"));
        await AssertUndisturbedAsync();
    }
}
