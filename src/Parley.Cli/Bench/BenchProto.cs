namespace Parley.Cli.Bench;

/// <summary>The wire a bench run speaks.</summary>
public enum BenchProto
{
    /// <summary>Parley's JSON lines over TCP.</summary>
    Native,

    /// <summary>The same JSON, one WebSocket message per object, at /ws on the HTTP listener.</summary>
    Ws,

    /// <summary>Plain IRC (RFC 1459/2812 registration, JOIN, PRIVMSG): Parley's gateway or any IRC server.</summary>
    Irc,

    /// <summary>Redis pub/sub over RESP: SUBSCRIBE one channel per room, PUBLISH.</summary>
    Redis,
}

public static class BenchProtoNames
{
    public static bool TryParse(string text, out BenchProto proto)
    {
        switch (text.ToLowerInvariant())
        {
            case "native":
            case "tcp":
                proto = BenchProto.Native;
                return true;
            case "ws":
            case "websocket":
                proto = BenchProto.Ws;
                return true;
            case "irc":
                proto = BenchProto.Irc;
                return true;
            case "redis":
                proto = BenchProto.Redis;
                return true;
            default:
                proto = default;
                return false;
        }
    }

    public static string Name(this BenchProto proto) => proto switch
    {
        BenchProto.Native => "native",
        BenchProto.Ws => "ws",
        BenchProto.Irc => "irc",
        _ => "redis",
    };

    public static int DefaultPort(this BenchProto proto) => proto switch
    {
        BenchProto.Native => 7878,
        BenchProto.Ws => 8080,
        BenchProto.Irc => 6667,
        _ => 6379,
    };
}
