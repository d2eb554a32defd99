using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Parley.Server.Hosting;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley serve`: runs the server until Ctrl-C or SIGTERM. Settings come from appsettings.json
/// (beside the program, then in the current directory), PARLEY_* environment variables, then
/// these flags, each overriding the one before.
/// </summary>
public static class ServeCommand
{
    private static readonly Option<string> Tcp = new("--tcp") { Description = "native JSON-lines listener ADDR:PORT (default 127.0.0.1:7878; port 0 picks one)" };
    private static readonly Option<string> Http = new("--http") { Description = "HTTP/WebSocket listener ADDR:PORT (default 127.0.0.1:8080)" };
    private static readonly Option<string> Data = new("--data") { Description = "data directory (default ./data)" };
    private static readonly Option<string> Synchronous = new("--sqlite-synchronous") { Description = "Full (default), Normal or Off: see docs/architecture.md" };
    private static readonly Option<int?> MaxLineBytes = new("--max-line-bytes") { Description = "longest request in bytes (default 65536)" };
    private static readonly Option<int?> MaxTextChars = new("--max-text-chars") { Description = "longest message text in characters (default 4000)" };
    private static readonly Option<double?> RateBurst = new("--rate-burst") { Description = "requests a connection may make at once (default 50)" };
    private static readonly Option<double?> RatePerSecond = new("--rate-per-second") { Description = "requests per second a connection may sustain (default 20)" };
    private static readonly Option<int?> QueueLimit = new("--outbound-queue-limit") { Description = "frames queued for one connection before it is dropped as too slow (default 4096)" };

    public static Command Create()
    {
        var command = new Command("serve", "run the Parley server")
        {
            Tcp, Http, Data, Synchronous, MaxLineBytes, MaxTextChars, RateBurst, RatePerSecond, QueueLimit,
        };
        command.SetAction((result, cancellationToken) => RunAsync(result, Console.Out, Console.Error, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(ParseResult result, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(result);
        ParleyServer server;
        try
        {
            server = await ParleyServer.StartAsync(configuration, output, cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or InvalidDataException)
        {
            await error.WriteLineAsync($"parley serve: {ex.Message}");
            return 1;
        }
        await using (server)
            await server.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private static IConfiguration BuildConfiguration(ParseResult result)
    {
        var flags = new Dictionary<string, string?>();
        void Set<T>(Option<T> option, string key)
        {
            if (result.GetValue(option) is { } value)
                flags[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        Set(Tcp, nameof(ParleyOptions.Tcp));
        Set(Http, nameof(ParleyOptions.Http));
        Set(Data, nameof(ParleyOptions.Data));
        Set(Synchronous, nameof(ParleyOptions.SqliteSynchronous));
        Set(MaxLineBytes, "Connections:MaxLineBytes");
        Set(MaxTextChars, "Limits:MaxTextChars");
        Set(RateBurst, "Connections:RateBurst");
        Set(RatePerSecond, "Connections:RatePerSecond");
        Set(QueueLimit, "Connections:OutboundQueueLimit");

        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables("PARLEY_")
            .AddInMemoryCollection(flags)
            .Build();
    }
}
