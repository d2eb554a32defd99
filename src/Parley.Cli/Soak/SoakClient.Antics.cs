using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>What the misbehaving roles do now and then: cut their connection, send bad frames, flood.</summary>
public sealed partial class SoakClient
{
    /// <summary>More than Connections:MaxLineBytes (65536 by default).</summary>
    private const int OversizedBytes = 70_000;

    private Task AnticAsync(CancellationToken traffic) => Role switch
    {
        SoakRole.Reconnector when _world.Settings.ClientCuts => CutAndComeBackAsync(traffic),
        SoakRole.Misbehaver => MisbehaveAsync(traffic),
        SoakRole.Flooder => FloodAsync(traffic),
        _ => Task.CompletedTask,
    };

    /// <summary>
    /// Drops the connection, cleanly, by a reset, or in the middle of a send frame (whose text must
    /// then never be stored); stays away a few seconds (now and then longer than the presence bound,
    /// so that its absence must show), then resumes and catches up.
    /// </summary>
    private async Task CutAndComeBackAsync(CancellationToken traffic)
    {
        switch (_random.Next(3))
        {
            case 0:
                Drop(reset: false);
                break;
            case 1:
                Drop(reset: true);
                break;
            default:
                SoakTransport? transport;
                lock (_connectionLock)
                    transport = _transport;
                if (transport is null)
                    break;
                var text = $"cut {Name} {Interlocked.Increment(ref _sendNumber)} never to be stored";
                var room = Rooms[_random.Next(Rooms.Count)];
                var frame = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object?> { ["id"] = -1, ["type"] = "send", ["room"] = room, ["text"] = text }));
                // Somewhere inside the text, so that what arrived is never a whole JSON object.
                var textStart = frame.Length - Encoding.UTF8.GetByteCount(text) - 2;
                var cutAt = _random.Next(textStart, frame.Length - 2);
                _world.Ledger.NeverStored[text] = Conversation.OfRoom(room).Key;
                _world.Ledger.CountMidFrameCut();
                await transport.CutMidFrameAsync(frame[..cutAt], reset: _random.Next(2) == 0).ConfigureAwait(false);
                Drop(reset: false);
                break;
        }
        var away = _random.Next(10) == 0
            ? _world.Settings.PresenceBound + TimeSpan.FromSeconds(5)
            : TimeSpan.FromMilliseconds(_random.Next(500, 5000));
        await Task.Delay(away, traffic).ConfigureAwait(false);
        await ReconnectAsync(traffic).ConfigureAwait(false);
    }

    /// <summary>One kind of bad frame; each must get its stable error code, and the connection must go on (or, oversized, end with `line_too_long`).</summary>
    private async Task MisbehaveAsync(CancellationToken traffic)
    {
        SoakTransport? transport;
        lock (_connectionLock)
            transport = _transport;
        if (transport is null)
            return;
        switch (_random.Next(WebSocket ? 7 : 8))
        {
            case 0:
                _world.Ledger.CountMalformed();
                await transport.SendBytesAsync("{\"id\":1,\"type\":\"send\",\"room\":"u8.ToArray(), traffic).ConfigureAwait(false);
                break;
            case 1:
                _world.Ledger.CountMalformed();
                await transport.SendBytesAsync("[1,2,3]"u8.ToArray(), traffic).ConfigureAwait(false);
                break;
            case 2:
                await ExpectErrorAsync(new() { ["type"] = "no_such_op" }, "unknown_type", traffic).ConfigureAwait(false);
                break;
            case 3:
                await ExpectErrorAsync(new() { ["type"] = "send", ["room"] = Rooms[0], ["text"] = "\u200B " }, "empty_text", traffic).ConfigureAwait(false);
                break;
            case 4:
                await ExpectErrorAsync(new() { ["type"] = "send", ["room"] = Rooms[0], ["text"] = new string('x', 4001) }, "text_too_long", traffic).ConfigureAwait(false);
                break;
            case 5:
                await ExpectErrorAsync(new() { ["type"] = "send", ["room"] = "nosuchroom" + _random.Next(1000), ["text"] = "lost" }, "no_such_room", traffic).ConfigureAwait(false);
                break;
            case 6:
                await OversizedAsync(transport, traffic).ConfigureAwait(false);
                return;
            default:
                _world.Ledger.CountMalformed();
                await transport.SendBytesAsync([0x7B, 0xFF, 0xFE, 0x7D], traffic).ConfigureAwait(false);
                break;
        }
        // A ping after it: its answer shows the bad frame was handled and the connection lives on.
        var pong = await RequestAsync(new() { ["type"] = "ping" }, traffic).ConfigureAwait(false);
        if (ErrorCode(pong) is { } code and not "rate_limited")
            _world.Ledger.Violation($"{Name}: ping after a bad frame answered {code}");
    }

    /// <summary>A frame over the size limit: `line_too_long`, `bye`, the connection closed; then back with a resume.</summary>
    private async Task OversizedAsync(SoakTransport transport, CancellationToken traffic)
    {
        _world.Ledger.CountOversized();
        var frame = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"room\":\"" + Rooms[0] + "\",\"text\":\"" + new string('o', OversizedBytes) + "\"}");
        await transport.SendBytesAsync(frame, traffic).ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Connected && Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(50, traffic).ConfigureAwait(false);
        if (Connected)
        {
            _world.Ledger.Violation($"{Name}: still connected 10 s after a frame of {frame.Length} bytes");
            Drop(reset: true);
        }
        await ReconnectAsync(traffic).ConfigureAwait(false);
    }

    private async Task ExpectErrorAsync(Dictionary<string, object?> request, string expected, CancellationToken traffic)
    {
        _world.Ledger.CountMalformed();
        var reply = await RequestAsync(request, traffic).ConfigureAwait(false);
        var code = ErrorCode(reply);
        if (code is not null)
            _world.Ledger.CountError(code);
        if (code != expected && code != "rate_limited")
            _world.Ledger.Violation($"{Name}: {request["type"]} expected {expected}, got {code ?? "ok"}");
    }

    /// <summary>Far more frames at once than the rate limit lets through: each is answered `ok` or `rate_limited`, and the connection stays.</summary>
    private async Task FloodAsync(CancellationToken traffic)
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, FloodFrames).Select(_ => RequestAsync(new() { ["type"] = "ping" }, traffic))).ConfigureAwait(false);
        _world.Ledger.CountFlooded(FloodFrames);
        var limited = 0;
        foreach (var reply in replies)
        {
            switch (ErrorCode(reply))
            {
                case null:
                    break;
                case "rate_limited":
                    limited++;
                    break;
                case var code:
                    _world.Ledger.CountError(code);
                    _world.Ledger.Violation($"{Name}: a flooded ping answered {code}");
                    break;
            }
        }
        if (limited > 0)
            _world.Ledger.ErrorCodes.AddOrUpdate("rate_limited", limited, (_, n) => n + limited);
        else
            _world.Ledger.Violation($"{Name}: {FloodFrames} pings at once and none was rate_limited");
        // Let the bucket fill again before chatting on (20 tokens/s by default).
        await Task.Delay(TimeSpan.FromSeconds(3), traffic).ConfigureAwait(false);
    }
}
