using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Parley.Server.Hosting;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley serve`: runs the server until Ctrl-C or SIGTERM. Settings come from appsettings.json
/// (beside the program, then in the current directory), PARLEY_* environment variables, then
/// these flags, each overriding the one before.
/// </summary>
public sealed class ServeCommand
{
    private readonly Option<string> _tcp = new("--tcp") { Description = "native JSON-lines listener ADDR:PORT; port 0 picks one; \"\" switches it off [default: 127.0.0.1:7878]" };
    private readonly Option<string> _http = new("--http") { Description = "HTTP listener ADDR:PORT: web page, /ws, /healthz, /readyz, /metrics; \"\" switches it off [default: 127.0.0.1:8080]" };
    private readonly Option<string> _irc = new("--irc") { Description = "IRC listener ADDR:PORT; \"\" switches it off [default: 127.0.0.1:6667]" };
    private readonly Option<string> _tlsCert = new("--tls-cert") { Description = "PEM certificate (then any intermediates) for every TLS listener; reloaded when it changes" };
    private readonly Option<string> _tlsKey = new("--tls-key") { Description = "PEM private key of --tls-cert" };
    private readonly Option<string> _tcpTls = new("--tcp-tls") { Description = "native JSON-lines listener over TLS ADDR:PORT [default: none]" };
    private readonly Option<string> _https = new("--https") { Description = "HTTPS listener ADDR:PORT: web page, /ws over TLS [default: none]" };
    private readonly Option<string> _ircTls = new("--irc-tls") { Description = "IRC listener over TLS ADDR:PORT (6697 by convention) [default: none]" };
    private readonly Option<string> _data = new("--data") { Description = "data directory of the SQLite store [default: ./data]" };
    private readonly Option<string> _store = new("--store") { Description = "sqlite (one node, nothing to install) or redis (several nodes) [default: sqlite]" };
    private readonly Option<string> _redis = new("--redis") { Description = "Redis HOST:PORT with --store redis [default: 127.0.0.1:6379]" };
    private readonly Option<string> _synchronous = new("--sqlite-synchronous") { Description = "Full, Normal or Off: what a power cut can lose, see docs/architecture.md [default: Full]" };
    private readonly Option<string> _transport = new("--transport") { Description = "what carries TCP and IRC connections: epoll (Linux) or sockets (the runtime's) [default: epoll on Linux, else sockets]" };
    private readonly Option<int?> _maxLineBytes = new("--max-line-bytes") { Description = "longest request line or WebSocket message, in bytes [default: 65536]" };
    private readonly Option<int?> _maxTextChars = new("--max-text-chars") { Description = "longest message text, in characters [default: 4000]" };
    private readonly Option<double?> _rateBurst = new("--rate-burst") { Description = "requests a connection may make at once [default: 50]" };
    private readonly Option<double?> _ratePerSecond = new("--rate-per-second") { Description = "requests per second a connection may sustain [default: 20]" };
    private readonly Option<string> _logFormat = new("--log-format") { Description = "console log on stderr: simple (lines for people) or json (one object a line, for log shippers) [default: simple]" };
    private readonly Option<string> _metrics = new("--metrics") { Description = "a listener of its own for /metrics, /healthz and /readyz, ADDR:PORT (bind it where only the scraper reaches) [default: none]" };
    private readonly Option<int?> _queueLimit = new("--outbound-queue-limit") { Description = "frames queued for one connection before it is dropped as too slow [default: 4096]" };

    /// <summary>Printed after the options by `parley serve --help`.</summary>
    public const string SettingsHelp =
        "Settings come from, each overriding the one before: appsettings.json beside the program, appsettings.json in\n" +
        "the current directory, PARLEY_* environment variables (PARLEY_Connections__RateBurst=100 for Connections:RateBurst),\n" +
        "then these flags. Every setting, its variable and its default: README.md, section Configuration.";

    public Command Create()
    {
        var command = new Command("serve", "run the Parley server")
        {
            _tcp, _http, _irc, _tlsCert, _tlsKey, _tcpTls, _https, _ircTls, _data, _store, _redis, _synchronous, _transport, _maxLineBytes, _maxTextChars, _rateBurst, _ratePerSecond, _queueLimit,
            _logFormat, _metrics,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result, Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(result);
        ParleyServer server;
        try
        {
            server = await ParleyServer.StartAsync(configuration, output, cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or InvalidDataException
                                       or ArgumentException or Parley.Core.Storage.StoreUnavailableException)
        {
            await error.WriteLineAsync($"parley serve: {ex.Message}");
            return 1;
        }
        string? fault;
        await using (server)
        {
            await server.WaitForShutdownAsync(CancellationToken.None);
            fault = server.Fault;
        }
        if (fault is not null)
        {
            await error.WriteLineAsync($"parley serve: stopped: {fault}");
            return 1;
        }
        return 0;
    }

    private IConfiguration BuildConfiguration(ParseResult result)
    {
        var flags = new Dictionary<string, string?>();
        void Set<T>(Option<T> option, string key)
        {
            if (result.GetValue(option) is { } value)
                flags[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Set(_tcp, nameof(ParleyOptions.Tcp));
        Set(_http, nameof(ParleyOptions.Http));
        Set(_irc, nameof(ParleyOptions.Irc));
        Set(_tlsCert, nameof(ParleyOptions.TlsCert));
        Set(_tlsKey, nameof(ParleyOptions.TlsKey));
        Set(_tcpTls, nameof(ParleyOptions.TcpTls));
        Set(_https, nameof(ParleyOptions.Https));
        Set(_ircTls, nameof(ParleyOptions.IrcTls));
        Set(_data, nameof(ParleyOptions.Data));
        Set(_store, nameof(ParleyOptions.Store));
        Set(_redis, nameof(ParleyOptions.Redis));
        Set(_synchronous, nameof(ParleyOptions.SqliteSynchronous));
        Set(_transport, nameof(ParleyOptions.Transport));
        Set(_maxLineBytes, "Connections:MaxLineBytes");
        Set(_maxTextChars, "Limits:MaxTextChars");
        Set(_rateBurst, "Connections:RateBurst");
        Set(_ratePerSecond, "Connections:RatePerSecond");
        Set(_queueLimit, "Connections:OutboundQueueLimit");
        Set(_logFormat, nameof(ParleyOptions.LogFormat));
        Set(_metrics, "Metrics:Listen");

        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables("PARLEY_")
            .AddInMemoryCollection(flags)
            .Build();
    }
}
