using System.Text;
using System.Text.Json;
using CsCheck;
using Parley.Tests.Support;

namespace Parley.Tests.Properties;

/// <summary>
/// The real server's native TCP listener, driven over a real socket with random streams of valid
/// and invalid requests, cut into random writes: every request with a readable id gets exactly one
/// reply to it, every other bad frame one uncorrelated error, and the connection stays open.
/// Few iterations (each is a connection), so the class stays within a few seconds.
/// </summary>
public sealed class NativeTcpProperties
{
    internal static readonly Gen<(ProtocolFrame[] Frames, bool[] CrLf, int[] Cuts)> Streams =
        Gen.Select(ProtocolFrame.Stream(30), Gen.Bool.Array[30], Gens.Cuts);

    [Fact]
    public async Task Any_cut_of_any_mix_gets_one_answer_per_frame()
    {
        await using var server = await TestServer.StartAsync();
        await Streams.SampleAsync(async (frames, crlf, cuts) =>
        {
            var stream = frames.SelectMany((f, i) => f.Body.Concat(crlf[i] ? "\r\n"u8.ToArray() : "\n"u8.ToArray()))
                // A blank line between frames asks nothing and gets nothing.
                .Concat("\r\n"u8.ToArray()).ToArray();
            await using var client = await server.ConnectAsync();
            foreach (var piece in Gens.Cut(stream, cuts))
                await client.SendBytesAsync(piece);
            await AssertAnsweredAsync(client, frames);
        }, iter: 12, threads: 1);
    }

    /// <summary>Waits for as many frames as were sent, then checks each was answered once and rightly.</summary>
    internal static async Task AssertAnsweredAsync(ProtocolClient client, ProtocolFrame[] frames)
    {
        await client.OkAsync("ping"); // Answered after all the frames before it (non-sends wait for sends).
        await Until.TrueAsync(() => client.Received.Count >= frames.Length || client.Closed.IsCompleted, "an answer to every frame");
        Assert.False(client.Closed.IsCompleted, "the server closed the connection");
        var received = client.Received;
        foreach (var frame in frames.Where(f => f.Id is not null))
            Assert.Single(received, r => ReplyTo(r) == frame.Id);
        var uncorrelated = received.Where(r => ReplyTo(r) is null).ToList();
        Assert.Equal(frames.Where(f => f.Uncorrelated).Select(f => f.Code).Order(), uncorrelated.Select(r => r.GetProperty("code").GetString()).Order());
        Assert.Equal(frames.Length, received.Count);
        AssertRightAnswers(received, frames);
    }

    /// <summary>Each answer answers one frame, at most once, with the type and code that frame must get.</summary>
    internal static void AssertRightAnswers(IReadOnlyList<JsonElement> received, ProtocolFrame[] frames)
    {
        var uncorrelatedCodes = frames.Where(f => f.Uncorrelated).Select(f => f.Code).ToList();
        foreach (var answer in received)
        {
            Assert.NotEqual("bye", answer.GetProperty("type").GetString());
            if (answer.GetProperty("type").GetString() == "error")
                Assert.False(string.IsNullOrEmpty(answer.GetProperty("message").GetString()));
            if (ReplyTo(answer) is not { } id)
            {
                Assert.True(uncorrelatedCodes.Remove(answer.GetProperty("code").GetString()), $"an uncorrelated error no frame asked for: {answer}");
                continue;
            }
            var frame = Assert.Single(frames, f => f.Id == id);
            Assert.Single(received, r => ReplyTo(r) == id);
            Assert.Equal(frame.ReplyType, answer.GetProperty("type").GetString());
            if (frame.Code is not null)
                Assert.Equal(frame.Code, answer.GetProperty("code").GetString());
        }
    }

    private static string? ReplyTo(JsonElement frame) =>
        frame.TryGetProperty("re", out var re) && re.ValueKind == JsonValueKind.String ? re.GetString() : null;
}
