using System.Net;

namespace Parley.Cli.Bench;

/// <summary>Everything a bench run needs, as the command line gave it.</summary>
public sealed record BenchSettings
{
    public required string Workload { get; init; }

    public BenchProto Proto { get; init; } = BenchProto.Native;

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 7878;

    /// <summary>
    /// fanout, rooms (native, ws): the servers the connections are spread over, nodes of one chat
    /// (Parley on Redis); account i connects to the (i mod N)-th. Empty: <see cref="Host"/>:<see cref="Port"/> alone.
    /// </summary>
    public IReadOnlyList<DnsEndPoint> Servers { get; init; } = [];

    /// <summary>The number in <see cref="Servers"/> of the server account <paramref name="index"/> connects to (0 with one server).</summary>
    public int ServerOf(int index) => Servers.Count == 0 ? 0 : index % Servers.Count;

    /// <summary>Where account <paramref name="index"/> connects.</summary>
    public (string Host, int Port) EndpointOf(int index) =>
        Servers.Count == 0 ? (Host, Port) : (Servers[ServerOf(index)].Host, Servers[ServerOf(index)].Port);

    /// <summary>fanout: connections that only listen. bigroom: observers, receivers that stay through every phase (losses are counted at them while members come and go).</summary>
    public int Receivers { get; init; } = 100;

    /// <summary>fanout, bigroom: connections that send (and, except over Redis, are room members too).</summary>
    public int Senders { get; init; } = 10;

    /// <summary>rooms: how many rooms, and members in each (every member sends and receives). bigroom: members of the one room.</summary>
    public int Rooms { get; init; } = 1000;

    public int Members { get; init; } = 5;

    /// <summary>idle: how many connections.</summary>
    public int Connections { get; init; } = 1000;

    /// <summary>Aggregate messages per second over all senders; 0 sends as fast as the server takes them.</summary>
    public double Rate { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait after the window for the last deliveries (ends early once all arrived).</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>idle: time between the last sign-in and the second memory reading. bigroom: the window after the mass disconnect.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Message text size in bytes.</summary>
    public int Size { get; init; } = 100;

    /// <summary>Unacknowledged sends one sender may have outstanding (IRC counts a PONG after each batch).</summary>
    public int Window { get; init; } = 128;

    /// <summary>Connections set up at once.</summary>
    public int ConnectConcurrency { get; init; } = 64;

    public string UserPrefix { get; init; } = "bench";

    /// <summary>Account password for native and ws (and for irc with <see cref="IrcPassword"/>).</summary>
    public string Password { get; init; } = "benchpass1";

    /// <summary>irc: send PASS with this password (Parley accounts); null registers as a guest.</summary>
    public string? IrcPassword { get; init; }

    /// <summary>irc: make the accounts first over Parley's native protocol on this port.</summary>
    public int? RegisterPort { get; init; }

    public string Room { get; init; } = "benchfan";

    /// <summary>fanout, rooms: find the highest rate that keeps p99 under <see cref="P99Bound"/> (and the maximum under <see cref="MaxBound"/>) with nothing lost.</summary>
    public bool Search { get; init; }

    public TimeSpan P99Bound { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>--search: a step's slowest delivery must stay under this too; zero: no bound.</summary>
    public TimeSpan MaxBound { get; init; }

    /// <summary>--search: bisection stops once the first failing rate is within this many percent of the last passing one.</summary>
    public double PrecisionPercent { get; init; } = 5;

    /// <summary>The server's process, for its memory (idle, bigroom) or CPU (fanout, rooms); 0 finds it by the listening port.</summary>
    public int ServerPid { get; init; }

    /// <summary>fanout, rooms: other processes whose CPU over each window is reported too (the Redis of Parley nodes).</summary>
    public IReadOnlyList<int> CpuPids { get; init; } = [];

    /// <summary>
    /// bigroom: members stop reading once signed in (the kernel's socket buffers take what comes),
    /// so the generator reads only observers and senders: chat latency without the generator's cost
    /// of reading every member, and losses counted at the observers throughout.
    /// </summary>
    public bool IdleMembers { get; init; }

    /// <summary>
    /// idle: connect over TLS (the server's tcp+tls, https or irc+tls listener), for what a TLS
    /// connection costs the server. The certificate is not checked: this measures, it does not chat.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>
    /// bigroom, native: after steady chat, stop the server (SIGTERM) and start it again as it was
    /// started, while everyone reconnects and resumes with its token (<c>BenchRunner.Restart.cs</c>).
    /// </summary>
    public bool Restart { get; init; }

    /// <summary>
    /// fanout: HTTP uploads running through the measured window, each by an account of its own
    /// (<c>BenchRunner.Uploads.cs</c>); 0: none.
    /// </summary>
    public int Uploads { get; init; }

    /// <summary>Bytes of each <see cref="UploadKind.File"/> upload (a photo is as large as its JPEG comes out).</summary>
    public long UploadBytes { get; init; } = 5 * 1024 * 1024;

    public UploadKind UploadKind { get; init; } = UploadKind.File;

    /// <summary>The uploads' bytes per second all together, shared evenly by those in flight; 0: as fast as the server reads them.</summary>
    public double UploadRate { get; init; }

    /// <summary>The server's HTTP listener (the one serving <c>/ws</c> and <c>/api/files</c>) on <see cref="Host"/>.</summary>
    public int UploadPort { get; init; } = 8080;

    /// <summary><see cref="UploadKind.Photo"/>: the generated JPEG's size in pixels.</summary>
    public int PhotoWidth { get; init; } = 4000;

    public int PhotoHeight { get; init; } = 3000;

    /// <summary><see cref="UploadKind.Photo"/>: its EXIF orientation, 1 (none: no EXIF at all) to 8; 6 is a phone's portrait photo, which the server turns upright.</summary>
    public int PhotoOrientation { get; init; } = 1;

    public bool JsonOnly { get; init; }

    /// <summary>Longest a whole run may take before it stops itself.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}
