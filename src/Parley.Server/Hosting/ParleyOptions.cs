using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Storage.Sqlite;

namespace Parley.Server.Hosting;

/// <summary>
/// Everything `parley serve` can be told, bound from configuration (appsettings.json, then
/// PARLEY_-prefixed environment variables, then flags). The README's table lists each key.
/// </summary>
public sealed class ParleyOptions
{
    /// <summary>Native JSON-lines listener, ADDR:PORT; port 0 picks a free port; an empty string switches it off.</summary>
    public string Tcp { get; set; } = "127.0.0.1:7878";

    /// <summary>HTTP listener for /ws, /healthz and the web client, ADDR:PORT; an empty string switches it off.</summary>
    public string Http { get; set; } = "127.0.0.1:8080";

    /// <summary>PEM certificate (the server's first, then any intermediates) for every TLS listener; reloaded when it changes.</summary>
    public string TlsCert { get; set; } = "";

    /// <summary>PEM private key of <see cref="TlsCert"/> (PKCS#8, PKCS#1 or SEC1, unencrypted).</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>Native JSON-lines listener over TLS, ADDR:PORT; empty (the default) opens none. Needs <see cref="TlsCert"/>.</summary>
    public string TcpTls { get; set; } = "";

    /// <summary>HTTPS listener (the web page, /wss, files), ADDR:PORT; empty (the default) opens none. Needs <see cref="TlsCert"/>.</summary>
    public string Https { get; set; } = "";

    /// <summary>IRC listener over TLS (6697 by convention), ADDR:PORT; empty (the default) opens none. Needs <see cref="TlsCert"/>.</summary>
    public string IrcTls { get; set; } = "";

    /// <summary>IRC listener (docs/irc.md), ADDR:PORT; an empty string switches it off.</summary>
    public string Irc { get; set; } = "127.0.0.1:6667";

    /// <summary>The server's name in IRC replies (the source of numerics).</summary>
    public string IrcServerName { get; set; } = "parley";

    /// <summary>The server's description in IRC (LINKS).</summary>
    public string IrcServerDescription { get; set; } = "Parley chat server";

    /// <summary>The network name IRC clients show (ISUPPORT NETWORK).</summary>
    public string IrcNetwork { get; set; } = "Parley";

    /// <summary>The IRC message of the day; empty sends 422 (no MOTD).</summary>
    public string IrcMotd { get; set; } = "Welcome to Parley. Rooms are channels: /join #lobby";

    /// <summary>What IRC clients that register with NICK/USER alone may do: off, limited or open (<see cref="GuestPolicy"/>).</summary>
    public string IrcGuests { get; set; } = "limited";

    /// <summary>How many of a channel's latest messages an IRC client gets when it joins; 0 sends none.</summary>
    public int IrcJoinHistory { get; set; } = 10;

    /// <summary>How long an IRC client may stay silent before it is sent a PING (and closed if silent as long again); zero sends none.</summary>
    public TimeSpan IrcPingInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often a WebSocket peer is pinged, and how long it may leave a ping unanswered before it is
    /// closed: finds peers that vanished without closing (a laptop lid, a dead network).
    /// </summary>
    public TimeSpan WebSocketPingInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>IRC operators, OPER name → password. Keep the settings file readable by the server's user only.</summary>
    public Dictionary<string, string> IrcOperators { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The admin socket, a Unix domain socket where <c>parley admin</c> talks to the running server
    /// as its operator: empty is <c>admin.sock</c> in <see cref="Data"/>; <c>off</c> opens none.
    /// Its mode is 0600: whoever may use it is whoever runs the server (or root).
    /// </summary>
    public string AdminSocket { get; set; } = "";

    /// <summary>Who may make an account with <c>register</c>: open, closed (only <c>parley admin create</c>) or invite (a code from <c>parley admin invite</c>).</summary>
    public RegistrationMode Registration { get; set; } = RegistrationMode.Open;

    /// <summary>Server-wide admins, by user name: they have every room power.</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>Directory for the SQLite database file.</summary>
    public string Data { get; set; } = "./data";

    /// <summary>
    /// Directory of uploaded files (and the key that signs their links): empty is <c>files</c> in
    /// <see cref="Data"/>. Nodes sharing a Redis must share this directory too (a shared volume).
    /// </summary>
    public string Files { get; set; } = "";

    /// <summary>
    /// The address people reach the HTTP listener at (<c>https://chat.example.org</c>), for the
    /// file links IRC clients get; empty is <c>http://</c> and the HTTP listener's address (the
    /// machine's name for a listener on every address).
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How often unsent uploads past their time, and files no message names, are deleted; zero never.</summary>
    public TimeSpan FileSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Pictures decoded at once: each takes up to about 80 MiB for a moment (a 12-megapixel photo).</summary>
    public int ImageConcurrency { get; set; } = 1;

    /// <summary>
    /// How fast all uploads together are written, in MiB/s (0: as fast as they come). Chat waits
    /// for the disk (a message is delivered once stored); uploads flat out would make it queue.
    /// 16 kept chat's p99 within 10 ms of its figure without uploads on the benchmark machine.
    /// </summary>
    public double UploadMibPerSecond { get; set; } = 16;

    /// <summary>Where state lives: the embedded SQLite file (one node), or Redis (any number of nodes).</summary>
    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    /// <summary>HOST:PORT of Redis (or a StackExchange.Redis configuration string), with <see cref="Store"/> = Redis.</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>Prefix of every Redis key and channel, so several services can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "parley:";

    /// <summary>This node's id among those sharing the Redis; generated when empty.</summary>
    public string? NodeId { get; set; }

    /// <summary>With Redis: how soon the users of a node that died without a clean stop are shown offline elsewhere.</summary>
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With SQLite: how each commit waits for the disk, that is, what a power cut can lose.</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>PBKDF2 iterations for new password hashes. Lower it only for tests.</summary>
    public int PasswordIterations { get; set; } = 100_000;

    /// <summary>Most connections (TCP and WebSocket each) the server accepts at once.</summary>
    public long MaxConnections { get; set; } = 50_000;

    /// <summary>What carries the TCP and IRC listeners' connections (HTTP is Kestrel's).</summary>
    public LineTransport Transport { get; set; } = OperatingSystem.IsLinux() ? LineTransport.Epoll : LineTransport.Sockets;

    /// <summary>How long a graceful stop waits for connections to flush before cutting them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the server checks whether it went quiet after a busy stretch and can give the
    /// memory it grew for it back to the system; zero turns that off.
    /// </summary>
    public TimeSpan MemoryTrimInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often large rooms' sessions are told the rooms' counts, when they changed (<c>members_count</c>); zero turns that off.</summary>
    public TimeSpan RoomCountsInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What the hub enforces on every protocol: text and topic lengths, passwords, history pages, sign-in rates (keys <c>Limits:…</c>).</summary>
    public ChatLimits Limits { get; set; } = new();

    /// <summary>Per-connection limits: line size, outbound queue, request rate, sign-in deadline (keys <c>Connections:…</c>).</summary>
    public ConnectionOptions Connections { get; set; } = new();

    /// <summary>The console log's format (stderr): simple lines, or JSON lines for log shippers.</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Simple;

    /// <summary>Who may read /metrics, and an optional listener of its own for it (keys <c>Metrics:…</c>).</summary>
    public Observability.MetricsOptions Metrics { get; set; } = new();
}
