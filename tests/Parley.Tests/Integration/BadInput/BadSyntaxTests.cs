using Parley.Core.Model;
using static Parley.Tests.Integration.BadInput.BadInputChecks;

namespace Parley.Tests.Integration.BadInput;

/// <summary>Lines that are not JSON, not an object, or have the wrong shape: a stable error code, and the session goes on.</summary>
public sealed class BadSyntaxTests : BadInputTestBase
{
    [Theory]
    [InlineData("{\"id\":1,\"type\":")]
    [InlineData("{'id':1,'type':'ping'}")]
    [InlineData("{\"id\":1,\"type\":\"ping\"} and more")]
    [InlineData("{\"id\":1,\"type\":\"ping\",}")]
    [InlineData("hello server")]
    [InlineData("   ")]
    public async Task Invalid_JSON_gets_bad_json_and_the_session_goes_on(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("{\"id\":1,\"type\":")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Invalid_JSON_over_WebSocket_gets_bad_json_and_the_session_goes_on(string message)
    {
        await using var mallory = await Server.ConnectWebSocketAsync();
        await mallory.OkAsync("register", new { user = "mallory", password = "password1" });
        await mallory.SendRawAsync(message);
        Assert.Equal(ErrorCodes.BadJson, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("[{\"id\":1,\"type\":\"ping\"}]")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task JSON_that_is_not_an_object_gets_not_object(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.NotObject, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task An_unknown_type_gets_unknown_type_with_the_request_id()
    {
        await using var mallory = await MalloryAsync();
        var reply = await mallory.RequestAsync("fly", new { room = "lobby" });
        Assert.Equal("error", Text(reply, "type"));
        Assert.Equal(ErrorCodes.UnknownType, Text(reply, "code"));
        Assert.Contains("fly", Text(reply, "message"));
        // Types are case-sensitive: "PING" is not "ping".
        Assert.Equal(ErrorCodes.UnknownType, await mallory.ErrorAsync("PING"));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task An_unknown_type_before_login_is_unknown_type_too()
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.UnknownType, await stranger.ErrorAsync("hack"));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_request_without_a_type_gets_missing_field_with_its_id()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"room\":\"lobby\",\"text\":\"hi\"}}");
        Assert.Equal(ErrorCodes.MissingField, await RawErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("send", "{\"room\":\"lobby\"}")]
    [InlineData("send", "{\"text\":\"to nowhere\"}")]
    [InlineData("send", "{\"room\":null,\"text\":\"hi\"}")]
    [InlineData("join", "{}")]
    [InlineData("create", "{\"topic\":\"no name\"}")]
    [InlineData("read", "{\"room\":\"lobby\"}")]
    [InlineData("history", "{\"limit\":5}")]
    [InlineData("members", "{}")]
    [InlineData("topic", "{\"room\":\"lobby\"}")]
    public async Task Missing_fields_get_missing_field(string type, string fields)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.MissingField, await mallory.ErrorAsync(type, Fields(fields)));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("register", "{\"user\":\"zed\"}")]
    [InlineData("register", "{\"password\":\"password1\"}")]
    [InlineData("login", "{\"user\":\"alice\"}")]
    [InlineData("resume", "{}")]
    public async Task Missing_fields_before_login_get_missing_field(string type, string fields)
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.MissingField, await stranger.ErrorAsync(type, Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":42}")]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":[\"hi\"]}")]
    [InlineData("send", "{\"room\":\"lobby\",\"text\":{\"body\":\"hi\"}}")]
    [InlineData("send", "{\"room\":7,\"text\":\"hi\"}")]
    [InlineData("send", "{\"room\":\"lobby\",\"to\":\"alice\",\"text\":\"both\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":\"1\"}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":-1}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":1.5}")]
    [InlineData("read", "{\"room\":\"lobby\",\"seq\":9223372036854775808}")]
    [InlineData("history", "{\"room\":\"lobby\",\"before\":\"10\"}")]
    [InlineData("history", "{\"room\":\"lobby\",\"limit\":true}")]
    [InlineData("join", "{\"room\":[\"lobby\"]}")]
    [InlineData("create", "{\"room\":\"newroom\",\"topic\":5}")]
    [InlineData("topic", "{\"room\":\"lobby\",\"topic\":false}")]
    public async Task Mistyped_fields_get_bad_field(string type, string fields)
    {
        await using var mallory = await MalloryAsync();
        Assert.Equal(ErrorCodes.BadField, await mallory.ErrorAsync(type, Fields(fields)));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("{\"user\":7,\"password\":\"password1\"}")]
    [InlineData("{\"user\":\"zed\",\"password\":12345678}")]
    public async Task Mistyped_fields_at_register_get_bad_field(string fields)
    {
        await using var stranger = await Server.ConnectAsync();
        Assert.Equal(ErrorCodes.BadField, await stranger.ErrorAsync("register", Fields(fields)));
        await stranger.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Fact]
    public async Task A_type_that_is_not_a_string_gets_bad_field_with_its_id()
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{RawId},\"type\":5}}");
        Assert.Equal(ErrorCodes.BadField, await RawErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
    }

    [Theory]
    [InlineData("{\"id\":{},\"type\":\"ping\"}")]
    [InlineData("{\"id\":[1],\"type\":\"ping\"}")]
    [InlineData("{\"id\":true,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\"}")]
    [InlineData("{\"id\":null,\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\"}")]
    public async Task An_id_that_is_neither_number_nor_string_gets_bad_field_and_is_not_acted_on(string line)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync(line);
        Assert.Equal(ErrorCodes.BadField, await UncorrelatedErrorAsync(mallory));
        await mallory.OkAsync("ping");
        await AssertUndisturbedAsync();
        AssertNothingRelayedFrom("mallory");
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("\"a1\"")]
    [InlineData("-7")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("\"\"")]
    public async Task Any_number_or_string_id_is_echoed_exactly_as_sent(string id)
    {
        await using var mallory = await MalloryAsync();
        await mallory.SendRawAsync($"{{\"id\":{id},\"type\":\"ping\"}}");
        await mallory.SendRawAsync($"{{\"id\":{id},\"type\":\"nope\"}}");
        var ok = await mallory.NextAsync("ok");
        Assert.Equal(id, ok.GetProperty("re").GetRawText());
        var error = await mallory.NextAsync("error");
        Assert.Equal(id, error.GetProperty("re").GetRawText());
        Assert.Equal(ErrorCodes.UnknownType, Text(error, "code"));
        await AssertUndisturbedAsync();
    }
}
