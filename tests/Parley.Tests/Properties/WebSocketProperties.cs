using System.Net.WebSockets;
using CsCheck;
using Parley.Tests.Support;

namespace Parley.Tests.Properties;

/// <summary>
/// The real server's WebSocket endpoint, driven by a real <see cref="ClientWebSocket"/>: random mixes
/// of valid and invalid requests, each message cut into random continuation frames, text or binary.
/// Every message is answered (a reply to its id, or an uncorrelated error); a message that is not
/// UTF-8 is answered too if binary; as text, the WebSocket layer closes the connection with 1007. A handful of
/// iterations only: each is a WebSocket handshake.
/// </summary>
public sealed class WebSocketProperties
{
    [Fact]
    public async Task Any_fragmentation_of_any_mix_gets_one_answer_per_message()
    {
        await using var server = await TestServer.StartAsync();
        await Gen.Select(ProtocolFrame.Stream(20), Gens.Cuts, Gen.Bool.Array[20]).SampleAsync(async (frames, cuts, binary) =>
        {
            await using var client = await server.ConnectWebSocketAsync();
            var notUtf8AsText = frames.Where((f, i) => !binary[i] && !System.Text.Unicode.Utf8.IsValid(f.Body)).Any();
            for (var i = 0; i < frames.Length; i++)
            {
                var fragments = Gens.Cut(frames[i].Body, cuts.Skip(i % cuts.Length));
                try
                {
                    await client.SendFragmentsAsync(fragments, binary[i] ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
                }
                catch (WebSocketException) when (notUtf8AsText)
                {
                    break; // The server has already closed for the message that is not UTF-8.
                }
            }
            if (!notUtf8AsText)
            {
                await NativeTcpProperties.AssertAnsweredAsync(client, frames);
                return;
            }
            // A text message that is not UTF-8 is refused by the WebSocket layer itself: it closes the
            // connection with 1007 (invalid payload data), so what came after it, and replies not yet
            // written, go unanswered (docs/protocol.md). What was answered was answered rightly.
            await Until.TrueAsync(() => client.Closed.IsCompleted, "the close for the text message that is not UTF-8");
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
            NativeTcpProperties.AssertRightAnswers(client.Received, frames);
        }, iter: 10, threads: 1);
    }

    [Fact]
    public async Task A_message_that_is_not_UTF8_is_answered_or_the_close_says_why()
    {
        await using var server = await TestServer.StartAsync();
        await Gen.Select(Gen.Byte[0x80, 0xFF].Array[1, 4], Gens.Cuts).SampleAsync(async (bad, cuts) =>
        {
            await using var client = await server.ConnectWebSocketAsync();
            await client.OkAsync("ping");
            byte[] body = [.. "{\"id\":\"bad\",\"type\":\"ping\",\"x\":\""u8, 0xFF, .. bad, .. "\"}"u8];
            await client.SendFragmentsAsync(Gens.Cut(body, cuts));
            await Until.TrueAsync(() => client.Received.Count > 0 || client.Closed.IsCompleted, "an answer or a close");
            if (client.Closed.IsCompleted && client.Received.Count == 0)
            {
                // The status is the reason: RFC 6455's 1007, data inconsistent with the message's type.
                Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
                return;
            }
            var error = Assert.Single(client.Received);
            Assert.Equal("bad_utf8", error.GetProperty("code").GetString());
            await client.OkAsync("ping");
        }, iter: 6, threads: 1);
    }
}
