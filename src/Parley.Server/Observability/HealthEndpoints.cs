using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Core.Storage;
using Parley.Server.Hosting;
using Parley.Server.Transports.Sockets;
using Parley.Storage.Redis;
using Parley.Storage.Sqlite;

namespace Parley.Server.Observability;

/// <summary>
/// <c>/healthz</c>: the process answers (liveness; restart it if not). <c>/readyz</c>: it can
/// serve now: the store answers a read (SQLite) or a PING (Redis), each listener is bound (the
/// epoll line listeners and Kestrel's: http, https, tcp+tls, irc+tls, each named only when set),
/// a TLS listener's certificate has not expired, and it is not stopping (readiness; send it no one until it is). Both answer JSON:
/// <c>{"status":"ok",…}</c> with 200, or <c>{"status":"unavailable","checks":{…}}</c> with 503. A check
/// says only "ok", "unavailable" or "stopping": the reason (Redis's address, its error) goes to
/// the log, not to whoever asks.
/// </summary>
public sealed class HealthEndpoints(
    IChatStore store,
    IReadOnlyList<SocketListener> listeners,
    IReadOnlyList<KestrelListenerCheck> kestrelListeners,
    CertificateFiles? certificate,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<HealthEndpoints> logger)
{
    /// <summary>How long the store may take to answer before it counts as unavailable.</summary>
    private static readonly TimeSpan StoreCheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The expired certificate last logged (its thumbprint): told once, not at every probe for every listener.</summary>
    private string? _expiredTold;

    public static Task Alive(HttpContext context) => WriteAsync(context, ready: true, checks: null);

    public async Task Ready(HttpContext context)
    {
        var checks = new List<(string Name, string State)> { ("store", await CheckStoreAsync().ConfigureAwait(false)) };
        foreach (var listener in listeners)
            checks.Add((listener.Transport, listener.BoundEndpoint is null ? "unavailable" : "ok"));
        foreach (var listener in kestrelListeners)
            checks.Add((listener.Name, Check(listener)));
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            checks.Add(("server", "stopping"));
        await WriteAsync(context, checks.TrueForAll(c => c.State == "ok"), checks).ConfigureAwait(false);
    }

    private string Check(KestrelListenerCheck listener)
    {
        if (listener.Listener()?.IPEndPoint is not { Port: > 0 })
            return "unavailable";
        if (listener.Tls && certificate?.Certificate is { } served && served.NotAfter.ToUniversalTime() <= time.GetUtcNow().UtcDateTime)
        {
            // Clients would refuse every handshake: the server is up but cannot serve them.
            if (Interlocked.Exchange(ref _expiredTold, served.Thumbprint) != served.Thumbprint)
                ObservabilityLog.CertificateExpired(logger, listener.Name, served.NotAfter.ToUniversalTime());
            return "unavailable";
        }
        return "ok";
    }

    private async Task<string> CheckStoreAsync()
    {
        try
        {
            var check = store switch
            {
                SqliteChatStore sqlite => sqlite.CheckAsync(),
                RedisChatStore redis => redis.PingAsync(),
                _ => Task.CompletedTask,
            };
            await check.WaitAsync(StoreCheckTimeout).ConfigureAwait(false);
            return "ok";
        }
        catch (Exception ex) when (ex is StoreUnavailableException or TimeoutException or InvalidOperationException
                                       or ObjectDisposedException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            ObservabilityLog.NotReady(logger, "store", ex);
            return "unavailable";
        }
    }

    private static async Task WriteAsync(HttpContext context, bool ready, List<(string Name, string State)>? checks)
    {
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        // Whole, with a Content-Length: a probe as simple as a shell script's reads it easily.
        var body = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("status", ready ? "ok" : "unavailable");
            if (checks is not null)
            {
                writer.WriteStartObject("checks");
                foreach (var (name, state) in checks)
                    writer.WriteString(name, state);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        System.Buffers.BuffersExtensions.Write(body, "\n"u8);
        context.Response.ContentLength = body.WrittenCount;
        await context.Response.Body.WriteAsync(body.WrittenMemory).ConfigureAwait(false);
    }
}
