using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Parley.Core.Cluster;
using Parley.Core.Diagnostics;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using Parley.Protocol;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;
using Parley.Server.Files;
using Parley.Server.Observability;
using Parley.Server.Transports;
using Parley.Server.Transports.Sockets;
using Parley.Storage.Redis;
using Parley.Storage.Sqlite;

namespace Parley.Server.Hosting;

/// <summary>
/// The one Parley host: the native TCP and IRC listeners, and Kestrel for HTTP (/ws, /healthz,
/// /readyz, /metrics, the web page) and for every TLS listener (https, tcp+tls, irc+tls).
/// Used by `parley serve` and, in-process, by the integration tests.
/// </summary>
public sealed class ParleyServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IChatStore _store;
    private readonly IBackplane _backplane;
    private readonly SocketListener? _tcp;
    private readonly ListenOptions? _http;
    private readonly SocketListener? _irc;
    private readonly ListenOptions? _metrics;
    private readonly TlsListeners _tls;

    private ParleyServer(WebApplication app, IChatStore store, IBackplane backplane, SocketListener? tcp, ListenOptions? http, SocketListener? irc,
        ListenOptions? metrics, TlsListeners tls)
    {
        _metrics = metrics;
        _irc = irc;
        _app = app;
        _store = store;
        _backplane = backplane;
        _tcp = tcp;
        _http = http;
        _tls = tls;
    }

    /// <summary>The bound native TCP endpoint (the real port when 0 was asked for); throws when that listener is off.</summary>
    public IPEndPoint TcpEndpoint => _tcp?.BoundEndpoint ?? throw new InvalidOperationException("the tcp listener is off");

    /// <summary>The bound HTTP endpoint; throws when that listener is off.</summary>
    public IPEndPoint HttpEndpoint => _http?.IPEndPoint ?? throw new InvalidOperationException("the http listener is off");

    /// <summary>The bound IRC endpoint, or null when the IRC listener is off.</summary>
    public IPEndPoint? IrcEndpoint => _irc?.BoundEndpoint;

    /// <summary>The bound metrics listener (<see cref="Observability.MetricsOptions.Listen"/>), or null when there is none.</summary>
    public IPEndPoint? MetricsEndpoint => _metrics?.IPEndPoint;

    /// <summary>The bound native-over-TLS endpoint, or null when there is none.</summary>
    public IPEndPoint? TcpTlsEndpoint => _tls.TcpTls?.IPEndPoint;

    /// <summary>The bound HTTPS endpoint, or null when there is none.</summary>
    public IPEndPoint? HttpsEndpoint => _tls.Https?.IPEndPoint;

    /// <summary>The bound IRC-over-TLS endpoint, or null when there is none.</summary>
    public IPEndPoint? IrcTlsEndpoint => _tls.IrcTls?.IPEndPoint;

    public IServiceProvider Services => _app.Services;

    /// <summary>Why the server stopped by itself (<see cref="ServerFault"/>), or null.</summary>
    public string? Fault => Services.GetRequiredService<ServerFault>().Reason;

    /// <summary>Builds and starts the server, then writes one "listening …" line per listener to <paramref name="announce"/>.</summary>
    /// <param name="time">
    /// The server's clock for sign-in deadlines, rate limits, message times and heartbeats; the
    /// system clock when null. Tests pass a fake one and advance it instead of waiting.
    /// </param>
    public static async Task<ParleyServer> StartAsync(IConfiguration configuration, TextWriter announce,
        CancellationToken cancellationToken = default, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var options = new ParleyOptions();
        configuration.Bind(options);
        options.Connections.Validate();
        options.Limits.Guests = GuestPolicies.Parse(options.IrcGuests);
        options.Limits.Registration = options.Registration;
        options.Limits.ExemptLoopback = options.Connections.ExemptLoopback;
        options.Limits.ServerAdmins = options.Admins.Select(Core.Model.Names.Key).ToHashSet(StringComparer.Ordinal);
        var tcpEndpoint = EndpointParser.ParseOptional(options.Tcp, "tcp");
        var httpEndpoint = EndpointParser.ParseOptional(options.Http, "http");
        var ircEndpoint = EndpointParser.ParseOptional(options.Irc, "irc");
        var tls = TlsListeners.Parse(options);
        var proxies = new TrustedProxies(options);
        var metricsEndpoint = string.IsNullOrWhiteSpace(options.Metrics.Listen) ? null : EndpointParser.Parse(options.Metrics.Listen, "metrics");

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        if (options.LogFormat == LogFormat.Json)
            builder.Logging.AddJsonConsole(o => (o.UseUtcTimestamp, o.TimestampFormat) = (true, "yyyy-MM-ddTHH:mm:ss.fffZ"));
        else
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // A host that fails to start logs the whole exception (for a busy port, a long stack trace)
        // before it throws it to us; StartAsync's caller reports it in one line, so the log is noise.
        // The rule is for the host's own category alone: a rule without a category would decide
        // every other category's level too (Debug everywhere, whatever Logging:LogLevel says).
        // Once started, the host logs only what needs attention (a background service that failed).
        var hostStarted = false;
        builder.Logging.AddFilter(HostLogCategory, level => hostStarted && level >= LogLevel.Warning);
        // stdout carries only the "listening" lines that scripts read; logs go to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        var dataPath = Path.GetFullPath(options.Data);
        // This server's own meter: two servers in one process (the tests) count apart.
        var meter = new Meter(ChatMetrics.MeterName);
        var metrics = new ChatMetrics(meter);
        var (store, backplane) = StorageFor(options, dataPath, time, metrics);
        builder.AddParleyObservability(options.Metrics, meter, metrics, store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IChatStore>(store);
        builder.Services.AddSingleton<IPasswordHasher>(new IdentityPasswordHasher(options.PasswordIterations));
        builder.Services.AddSingleton(options.Limits);
        builder.Services.AddSingleton(backplane);
        var filesPath = string.IsNullOrEmpty(options.Files) ? Path.Combine(dataPath, "files") : Path.GetFullPath(options.Files);
        var fileLane = new UploadLane(new LowPriorityLane("parley-files", Math.Max(2, Environment.ProcessorCount)),
            options.UploadMibPerSecond * 1024 * 1024, time);
        var blobs = new DirectoryBlobStore(filesPath, fileLane);
        builder.Services.AddSingleton(blobs);
        builder.Services.AddSingleton<IBlobStore>(blobs);
        ListenOptions? http = null, metricsListen = null;
        var links = new FileLinks(FileLinkKey.LoadOrCreate(filesPath), time, () => PublicUrl(options, http?.IPEndPoint, tls.Https?.IPEndPoint));
        builder.Services.AddSingleton(links);
        builder.Services.AddSingleton(new ImageWork(blobs, blobs.TempDirectory, new ImageProcessor(new ImageLimits()),
            Math.Max(1, options.ImageConcurrency), fileLane));
        builder.Services.AddSingleton<FileEndpoints>();
        builder.Services.AddSingleton<FileSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FileSweeper>());
        builder.Services.AddSingleton<ChatHub>();
        builder.Services.AddSingleton<JsonEventEncoder>();
        builder.Services.AddSingleton<ConnectionsPerAddress>();
        builder.Services.AddSingleton(proxies);
        builder.Services.AddSingleton<NativeSessionFactory>();
        builder.Services.AddSingleton<WebSocketEndpoint>();
        builder.Services.AddSingleton(new IrcServerInfo(options.IrcServerName, options.IrcNetwork, options.IrcMotd, DateTimeOffset.UtcNow)
        {
            AllowGuests = options.Limits.Guests != GuestPolicy.Off,
            JoinHistory = options.IrcJoinHistory,
            PingInterval = options.IrcPingInterval,
            Operators = options.IrcOperators,
            Description = options.IrcServerDescription,
            Attachments = new AttachmentText(links),
        });
        builder.Services.AddSingleton<IrcEventEncoder>();
        builder.Services.AddSingleton<IrcSessionFactory>();

        // The line protocols run on Parley's own socket listener (small idle connections), HTTP and
        // WebSocket on Kestrel. Hosted services stop before Kestrel, after sessions were told to close.
        builder.Services.AddSingleton<TcpJsonConnectionHandler>();
        builder.Services.AddSingleton<IrcConnectionHandler>();
        builder.Services.AddSingleton<AdminConnectionHandler>();
        var adminSocket = AdminSocketPath(options, dataPath);
        // A data directory deep enough to make the path too long for a socket must not stop a server that ran before there was one.
        var adminSocketTooLong = adminSocket is not null && System.Text.Encoding.UTF8.GetByteCount(adminSocket) > MaxSocketPathBytes;
        if (adminSocketTooLong)
            adminSocket = null;
        SocketListener? tcp = null, irc = null;
        builder.Services.AddSingleton<ServerFault>();
        // One epoll thread tells every idle line connection when input arrives; disposed with the host.
        if (options.Transport == LineTransport.Epoll)
        {
            if (!OperatingSystem.IsLinux())
                throw new ArgumentException("Transport: epoll runs on Linux only; use sockets");
            builder.Services.AddSingleton<EpollReadiness>();
        }
        SocketListener Listener(IServiceProvider sp, IPEndPoint endpoint, string transport, Action<ITransportConnection> handle) =>
            new(endpoint, transport, handle, options.MaxConnections, sp.GetService<EpollReadiness>(),
                sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<SocketListener>>());
        if (tcpEndpoint is not null)
        {
            builder.Services.AddSingleton<IHostedService>(sp =>
                tcp = Listener(sp, tcpEndpoint, "tcp", sp.GetRequiredService<TcpJsonConnectionHandler>().OnConnected));
        }
        if (tls.Any)
            builder.Services.AddSingleton(sp => CertificateFiles.Load(options.TlsCert, options.TlsKey, time, sp.GetRequiredService<ILogger<CertificateFiles>>()));
        if (ircEndpoint is not null)
        {
            builder.Services.AddSingleton<IHostedService>(sp =>
                irc = Listener(sp, ircEndpoint, "irc", sp.GetRequiredService<IrcConnectionHandler>().OnConnected));
        }
        builder.Services.AddHostedService<MemoryTrimmer>();
        builder.Services.AddHostedService<RoomCountsAnnouncer>();
        // A connection's reads wait once 64 KiB are unread (Kestrel's default is 1 MiB): a hundred
        // uploads outrunning the server then hold 6 MiB, not 100 (docs/benchmarks.md, "Uploads beside chat").
        builder.WebHost.UseSockets(sockets => sockets.MaxReadBufferSize = HttpReadBufferBytes);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBufferSize = HttpReadBufferBytes;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            void ServeHttp(ListenOptions listen, bool tls)
            {
                var shortcut = new WebSocketShortcut(listen.ApplicationServices.GetRequiredService<WebSocketEndpoint>(),
                    listen.ApplicationServices.GetRequiredService<TrustedProxies>(), kestrel.Limits.RequestHeadersTimeout, options.WebSocketPingInterval, tls);
                listen.Use(next => connection => shortcut.OnConnectedAsync(connection, next));
            }
            if (httpEndpoint is not null)
            {
                kestrel.Listen(httpEndpoint, listen =>
                {
                    http = listen;
                    ConnectionsPerAddressMiddleware.Add(listen, tls: false, http: true);
                    ServeHttp(listen, false);
                });
            }
            tls.Listen(kestrel, ServeHttp);
            if (adminSocket is not null)
                kestrel.ListenUnixSocket(adminSocket, listen => listen.UseConnectionHandler<AdminConnectionHandler>());
            if (metricsEndpoint is not null)
                kestrel.Listen(metricsEndpoint, listen => metricsListen = listen);
        });

        var app = builder.Build();
        // From a trusted proxy, the client's address is its X-Forwarded-For's (TrustedProxies): first,
        // so every later part (limits, logs, the WebSocket sessions Kestrel upgrades) sees it.
        if (proxies.Any)
            app.UseForwardedHeaders(proxies.MiddlewareOptions());
        ConnectionsPerAddressMiddleware.RefuseRequests(app);
        ConnectionsPerAddressMiddleware.CountProxiedRequests(app);
        app.UseMetricsListenerPaths(() => metricsListen);
        app.UseParleyWebClient();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = options.WebSocketPingInterval, KeepAliveTimeout = options.WebSocketPingInterval });
        List<KestrelListenerCheck> kestrelChecks = httpEndpoint is null ? [] : [new KestrelListenerCheck("http", () => http, Tls: false)];
        kestrelChecks.AddRange(tls.ReadinessChecks());
        app.MapParleyObservability(store, () => metricsListen, kestrelChecks, tls.ConnectionCounts(), tls.HasHttps);
        var webSockets = app.Services.GetRequiredService<WebSocketEndpoint>();
        app.Map("/ws", webSockets.HandleAsync);
        var files = app.Services.GetRequiredService<FileEndpoints>();
        files.Map(app);

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Parley");
        var hub = app.Services.GetRequiredService<ChatHub>();
        hub.BackplaneFailed += (clusterEvent, ex) => Log.BackplaneFailed(logger, clusterEvent.GetType().Name, ex);
        if (backplane is RedisBackplane redis)
            redis.Trouble += (what, ex) => Log.BackplaneTrouble(logger, what, ex);
        if (store is SqliteChatStore sqlite)
        {
            sqlite.WritesRefused += ex => Log.DiskFull(logger, dataPath, ex);
            sqlite.WritesResumed += () => Log.DiskSpaceBack(logger, dataPath);
        }
        files.DiskFull += where => Log.UploadDiskFull(logger, where);
        try
        {
            await hub.StartAsync(cancellationToken).ConfigureAwait(false);
            // A socket file here is a stopped server's: with SQLite the store's lock is ours by now, so no
            // other server uses this directory; with Redis each node has a directory of its own (README).
            if (adminSocket is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(adminSocket)!);
                File.Delete(adminSocket);
            }
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (adminSocket is not null && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(adminSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            hostStarted = true;
        }
        catch (Exception ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await backplane.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            meter.Dispose();
            if (StartFailure(ex, options.Data, tls.KestrelEndpoints(httpEndpoint)) is { } oneLine)
                throw oneLine;
            throw;
        }
        if (adminSocketTooLong)
            Log.AdminSocketPathTooLong(logger, AdminSocketPath(options, dataPath)!);
        app.Lifetime.ApplicationStopping.Register(() => Log.Stopping(logger));
        Log.Started(logger, options.Store == StoreKind.Redis ? $"Redis at {options.Redis} (node {hub.NodeId})" : Path.Combine(dataPath, "parley.db"));

        var server = new ParleyServer(app, store, backplane, tcp, http, irc, metricsListen, tls);
        if (tcp?.BoundEndpoint is { } tcpBound)
            await announce.WriteLineAsync($"listening tcp {tcpBound}").ConfigureAwait(false);
        if (http?.IPEndPoint is { } httpBound)
            await announce.WriteLineAsync($"listening http {httpBound}").ConfigureAwait(false);
        if (server.IrcEndpoint is { } ircBound)
            await announce.WriteLineAsync($"listening irc {ircBound}").ConfigureAwait(false);
        foreach (var line in tls.Announcements())
            await announce.WriteLineAsync(line).ConfigureAwait(false);
        if (server.MetricsEndpoint is { } metricsBound)
            await announce.WriteLineAsync($"listening metrics {metricsBound}").ConfigureAwait(false);
        await announce.FlushAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>
    /// Where people reach the web listener (<see cref="ParleyOptions.PublicUrl"/>), without a
    /// trailing slash: the HTTPS listener when there is one, else the HTTP one.
    /// </summary>
    private static string PublicUrl(ParleyOptions options, IPEndPoint? http, IPEndPoint? https)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicUrl))
            return options.PublicUrl.Trim().TrimEnd('/');
        // Without a web listener there is nowhere to download from: links stay paths.
        if ((https ?? http) is not { } web)
            return "";
        return $"{(https is null ? "http" : "https")}://{UrlHost(web)}:{web.Port}";
    }

    private static string UrlHost(IPEndPoint http) =>
        http.Address.Equals(IPAddress.Any) || http.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName()
            : http.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{http.Address}]"
            : http.Address.ToString();

    /// <summary>The failures a user can mend, as one line that names what to mend; null for the others.</summary>
    private static IOException? StartFailure(Exception ex, string data, IReadOnlyList<(string Name, IPEndPoint Endpoint)> kestrelEndpoints) => ex switch
    {
        DatabaseInUseException inUse => new IOException(
            $"{data} is in use by another parley serve{(inUse.HolderPid is { } pid ? $" (pid {pid})" : "")}", ex),
        // Kestrel's own: IOException("Failed to bind to address http://…") around the socket error.
        IOException and not ListenerBindException when ListenerBindException.FindSocketError(ex) is { } socketError
            && ListenerBindException.WhichFailed(ex, kestrelEndpoints) is var (name, endpoint) =>
            new ListenerBindException(name, endpoint, socketError),
        _ => null,
    };

    /// <summary>Bytes an HTTP connection may have read and not yet consumed.</summary>
    private const int HttpReadBufferBytes = 64 * 1024;

    private const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Completes when the host begins to stop (Ctrl-C, SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops gracefully: clients get 'bye', queued writes flush, then the store closes.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _backplane.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        _app.Services.GetRequiredService<Meter>().Dispose();
    }

    /// <summary>Where the admin socket goes (<see cref="ParleyOptions.AdminSocket"/>), or null for none.</summary>
    public static string? AdminSocketPath(ParleyOptions options, string dataPath) => options.AdminSocket switch
    {
        "off" => null,
        "" => Path.Combine(dataPath, AdminSocketFile),
        var path => Path.GetFullPath(path),
    };

    /// <summary>The longest Unix socket path (sun_path less its terminating zero: 103 on macOS, 107 on Linux).</summary>
    private const int MaxSocketPathBytes = 103;

    /// <summary>The admin socket's file name in the data directory, where <c>parley admin --data</c> looks for it.</summary>
    public const string AdminSocketFile = "admin.sock";

    private static (IChatStore, IBackplane) StorageFor(ParleyOptions options, string dataPath, TimeProvider time, ChatMetrics metrics)
    {
        if (options.Store == StoreKind.Redis)
        {
            var redis = new RedisChatStore(new RedisStoreOptions { Configuration = options.Redis, KeyPrefix = options.RedisPrefix, Metrics = metrics });
            var backplaneOptions = new RedisBackplaneOptions
            {
                NodeId = string.IsNullOrEmpty(options.NodeId) ? RedisBackplaneOptions.NewNodeId() : options.NodeId,
                PresenceTtl = options.PresenceTtl,
                HeartbeatInterval = options.PresenceTtl / 4,
            };
            return (redis, new RedisBackplane(redis, backplaneOptions, time));
        }
        var sqlite = new SqliteChatStore(new SqliteStoreOptions
        {
            Path = Path.Combine(dataPath, "parley.db"),
            Synchronous = options.SqliteSynchronous,
            Metrics = metrics,
        });
        return (sqlite, new InProcessBackplane(sqlite));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
