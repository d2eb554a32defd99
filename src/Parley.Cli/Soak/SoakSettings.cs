namespace Parley.Cli.Soak;

/// <summary>
/// What one soak run does: its population, pacing, faults and length. <see cref="Short"/> and
/// <see cref="Long"/> are the two named profiles; the command's options override single fields.
/// </summary>
public sealed record SoakSettings
{
    /// <summary>The profile's name, written into the report.</summary>
    public string Profile { get; init; } = "short";

    /// <summary>Two nodes on one Redis (through a proxy the harness can cut) instead of one SQLite server.</summary>
    public bool Cluster { get; init; }

    public int TcpClients { get; init; } = 16;

    public int WsClients { get; init; } = 10;

    public int IrcClients { get; init; } = 4;

    public int Rooms { get; init; } = 6;

    /// <summary>Mean pause between two sends of one chatting client; a tenth of the ticks is a burst of five.</summary>
    public TimeSpan SendInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Traffic before the baseline memory reading; no faults yet.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Traffic with faults, after the warm-up.</summary>
    public TimeSpan Chaos { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Between two scheduled faults (the first comes one interval into the chaos phase).</summary>
    public TimeSpan FaultInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a SIGSTOP'd node stays stopped.</summary>
    public TimeSpan StallFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the proxy between the nodes and Redis stays cut.</summary>
    public TimeSpan RedisCutFor { get; init; } = TimeSpan.FromSeconds(10);

    public bool KillServer { get; init; } = true;

    public bool StallNode { get; init; } = true;

    public bool RestartRedis { get; init; } = true;

    public bool CutRedis { get; init; } = true;

    /// <summary>Clients that reconnect at random, some of them cutting their connection in the middle of a frame.</summary>
    public bool ClientCuts { get; init; } = true;

    /// <summary>The documented bound for presence to converge after a fault: PresenceTtl (10 s) plus a quarter of it.</summary>
    public TimeSpan PresenceBound { get; init; } = TimeSpan.FromSeconds(12.5);

    /// <summary>Allowed growth (and shrinkage) of the server's RSS from after the warm-up to after the run.</summary>
    public double RssTolerance { get; init; } = 0.20;

    /// <summary>Every phase together must end within this, or the run stops and fails.</summary>
    public TimeSpan HardLimit { get; init; } = TimeSpan.FromMinutes(4);

    public int Seed { get; init; } = 32;

    /// <summary>Latency percentiles are reported per interval of this length (a minute in the long profile).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the servers' RSS is read.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the JSON lines and the SVG go.</summary>
    public string OutDirectory { get; init; } = "soak-out";

    public int NativeClients => TcpClients + WsClients;

    /// <summary>About 2 minutes, a few faults, some 30 clients: the one run in the test suite.</summary>
    public static SoakSettings Short(bool cluster) => new()
    {
        Profile = cluster ? "short-cluster" : "short",
        Cluster = cluster,
    };

    /// <summary>60 minutes of chaos after 3 of warm-up, a few hundred clients, a fault every 4 minutes.</summary>
    public static SoakSettings Long(bool cluster) => new()
    {
        Profile = cluster ? "long-cluster" : "long",
        Cluster = cluster,
        TcpClients = 160,
        WsClients = 100,
        IrcClients = 40,
        Rooms = 40,
        SendInterval = TimeSpan.FromSeconds(4),
        Warmup = TimeSpan.FromMinutes(3),
        Chaos = TimeSpan.FromMinutes(60),
        FaultInterval = TimeSpan.FromMinutes(4),
        StallFor = TimeSpan.FromSeconds(20),
        HardLimit = TimeSpan.FromMinutes(75),
        ReportInterval = TimeSpan.FromMinutes(1),
        SampleInterval = TimeSpan.FromSeconds(10),
    };
}
