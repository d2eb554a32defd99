using System.Buffers;
using BenchmarkDotNet.Attributes;
using Parley.Core.Events;
using Parley.Core.Model;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;

namespace Parley.Benchmarks;

/// <summary>
/// Decoding one frame, and encoding one event once per wire format. Each op is one frame or one
/// event: what a send costs once, however many sessions it then reaches.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int MaxLine = 64 * 1024;
    private readonly ReadOnlySequence<byte> _sendLine = new(Samples.SendLine);
    private static readonly FileLinks Links = new(new byte[32], TimeProvider.System);
    private readonly JsonEventEncoder _json = new(Links);
    private readonly IrcEventEncoder _irc = new();
    private readonly MessageEvent _event = new(Samples.Message());

    /// <summary>Cutting the line only (LineFramer), as the TCP reader loop does for every line.</summary>
    [Benchmark]
    public long JsonFrameLine()
    {
        var buffer = _sendLine;
        LineFramer.TryReadLine(ref buffer, MaxLine, out var line);
        return line.Length;
    }

    /// <summary>
    /// What the native adapter does with a <c>send</c> line before it calls the hub: frame it,
    /// parse it (RequestParser), read <c>room</c> and <c>text</c> as NativeCommands.Send does.
    /// </summary>
    [Benchmark]
    public int JsonDecodeSend()
    {
        var buffer = _sendLine;
        LineFramer.TryReadLine(ref buffer, MaxLine, out var line);
        using var request = RequestParser.Parse(line, out _, out _)!;
        var (room, _) = request.OneOf("room", "to");
        var text = request.String("text");
        return room!.Length + text.Length;
    }

    /// <summary>One PRIVMSG with tags through the IRC codec.</summary>
    [Benchmark]
    public int IrcDecodePrivmsg()
    {
        IrcCodec.TryParse(Samples.IrcPrivmsgLine, out var message);
        return message!.Params.Count;
    }

    /// <summary>A new broadcast encoded for the JSON format (TCP and WebSocket sessions), as the first session to write it does.</summary>
    [Benchmark]
    public int JsonEncodeMessage() => new Broadcast(_event).EncodedWith(_json).Length;

    /// <summary>The same for IRC: PRIVMSG with @time and @msgid tags, which each session cuts when writing.</summary>
    [Benchmark]
    public int IrcEncodeMessage() => new Broadcast(_event).EncodedWith(_irc).Length;

    /// <summary>A broadcast already encoded: what every session after the first pays.</summary>
    [Benchmark]
    public int EncodedAgain() => _encodedOnce.EncodedWith(_json).Length;

    private readonly Broadcast _encodedOnce = CreateEncoded();

    private static Broadcast CreateEncoded()
    {
        var broadcast = new Broadcast(new MessageEvent(Samples.Message()));
        broadcast.EncodedWith(new JsonEventEncoder(Links));
        return broadcast;
    }
}
