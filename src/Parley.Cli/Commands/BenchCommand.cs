using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Parley.Cli.Bench;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley bench WORKLOAD`: a load generator for Parley and for other chat servers (any IRC
/// server, Redis pub/sub). Prints progress, a readable summary, and one JSON line per run.
/// </summary>
public sealed class BenchCommand
{
    /// <summary>Printed after the options by `parley bench --help`.</summary>
    public const string ServerSettingsHelp =
        "Parley limits each connection to 20 requests/s and hashes passwords slowly by design; for a benchmark start it with\n" +
        "  PARLEY_Connections__RateBurst=1000000 PARLEY_Connections__RatePerSecond=1000000 \\\n" +
        "  PARLEY_Limits__SignInBurst=1000000 PARLEY_Limits__SignInPerSecond=1000000 PARLEY_PasswordIterations=1000 \\\n" +
        "  taskset -c 0 parley serve --data /tmp/parley-bench\n" +
        "and run the bench on another core: taskset -c 1 parley bench fanout --receivers 1000.\n" +
        "bigroom keeps its members in the lobby, where Parley puts every new account: start the server on a fresh --data.";

    private readonly Argument<string> _workload = new("workload") { Description = "fanout (one room, many receivers), rooms (many small rooms, everyone sends), idle (many signed-in connections, server memory) or bigroom (a sign-in storm into one room, chat, a mass disconnect)" };
    private readonly Option<string> _proto = new("--proto") { Description = "native (JSON lines over TCP), ws (the same over WebSocket /ws), irc, or redis (pub/sub)", DefaultValueFactory = _ => "native" };
    private readonly Option<string> _host = new("--host") { Description = "server address", DefaultValueFactory = _ => "127.0.0.1" };
    private readonly Option<int?> _port = new("--port") { Description = "server port [default: native 7878, ws 8080, irc 6667, redis 6379]" };
    private readonly Option<DnsEndPoint[]> _servers = new("--servers")
    {
        Description = "fanout, rooms over native or ws: HOST:PORT,HOST:PORT,... nodes of one chat (Parley on Redis) to spread the connections over, instead of --host and --port: account i connects to the (i mod N)-th, senders and receivers alike; latency to receivers on another node than the sender is also reported apart (cross_node)",
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = ParseServers,
    };
    private readonly Option<int> _receivers = new("--receivers") { Description = "fanout: receiving connections; bigroom: observers, receivers that stay through the mass disconnect and count losses", DefaultValueFactory = _ => 100 };
    private readonly Option<int?> _senders = new("--senders") { Description = "fanout, bigroom: sending connections [default: fanout 10, bigroom 2]" };
    private readonly Option<int> _rooms = new("--rooms") { Description = "rooms: how many rooms", DefaultValueFactory = _ => 1000 };
    private readonly Option<int?> _members = new("--members") { Description = "rooms: members per room (each sends and receives); with 1 nothing is delivered and messages/s (each acknowledged once stored) is the figure; bigroom: members of the room, signed in all at once [default: rooms 5, bigroom 10000]" };
    private readonly Option<int> _connections = new("--connections") { Description = "idle: connections to open and sign in", DefaultValueFactory = _ => 1000 };
    private readonly Option<double?> _rate = new("--rate") { Description = "aggregate messages/s over all senders; 0 = flat out (with --search: the first rate tried) [default: 0; bigroom 10]" };
    private readonly Option<double?> _duration = new("--duration") { Description = "seconds measured [default: 10; 3 per step with --search]" };
    private readonly Option<double?> _warmup = new("--warmup") { Description = "seconds of sending before measuring [default: 2; 1 with --search]" };
    private readonly Option<double> _drain = new("--drain") { Description = "at most this many seconds to wait for late deliveries after the window", DefaultValueFactory = _ => 10 };
    private readonly Option<double?> _settle = new("--settle") { Description = "idle: seconds between the last sign-in and the memory reading; bigroom: seconds measured after the mass disconnect; fanout --uploads: seconds between the last upload's answer and the last memory reading [default: idle and fanout 2, bigroom 10]" };
    private readonly Option<int> _size = new("--size") { Description = "message text size in bytes", DefaultValueFactory = _ => 100 };
    private readonly Option<int?> _window = new("--window") { Description = "unacknowledged sends each sender may have outstanding (rooms: fewer, as thousands of senders share the server; IRC: acknowledged by a PONG after each batch) [default: 128; rooms 8]" };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "connections set up at once", DefaultValueFactory = _ => 64 };
    private readonly Option<string> _userPrefix = new("--user-prefix") { Description = "accounts and IRC nicks are PREFIX0, PREFIX1, ...", DefaultValueFactory = _ => "bench" };
    private readonly Option<string?> _password = new("--password") { Description = "account password; with irc, sent as PASS (Parley accounts), and without it irc registers as a guest [default: benchpass1 for native and ws]" };
    private readonly Option<int?> _registerPort = new("--register-port") { Description = "irc against Parley: first create the accounts and rooms over the native protocol on this port" };
    private readonly Option<string?> _room = new("--room") { Description = "the fanout room (rooms: the prefix of the room names; bigroom: the room, whose members stay in it) [default: benchfan; bigroom lobby]" };
    private readonly Option<bool> _search = new("--search") { Description = "fanout, rooms: find the highest rate whose p99 stays under --p99-bound (and max under --max-bound) with nothing lost" };
    private readonly Option<double> _p99Bound = new("--p99-bound") { Description = "milliseconds, for --search", DefaultValueFactory = _ => 100 };
    private readonly Option<double> _maxBound = new("--max-bound") { Description = "milliseconds, for --search: the slowest delivery of a step must stay under it too; 0: no bound", DefaultValueFactory = _ => 0 };
    private readonly Option<double> _precision = new("--precision") { Description = "percent, for --search: stop once the first failing rate is within this of the last passing one", DefaultValueFactory = _ => 5 };
    private readonly Option<int> _serverPid = new("--server-pid") { Description = "idle, bigroom: the server's process id, for its memory; fanout, rooms: for its CPU (the first of --servers) [default: found by the listening port]" };
    private readonly Option<string?> _cpuPids = new("--cpu-pids") { Description = "fanout, rooms: PID,PID,... other processes whose CPU over the window to report beside the servers' (other_cpu), such as the redis-server of Parley nodes" };
    private readonly Option<bool> _tls = new("--tls") { Description = "idle: connect over TLS to the server's tcp+tls (native), https (ws) or irc+tls (irc) listener given by --port; the certificate is not checked" };
    private readonly Option<bool> _idleMembers = new("--idle-members") { Description = "bigroom: members stop reading once signed in, so the generator reads only the observers (latency without the generator's cost of reading every member; a server that sends members much will find them slow)" };
    private readonly Option<bool> _restart = new("--restart") { Description = "bigroom, native only: after steady chat, stop the server with SIGTERM and start it again with the same command line, directory and environment (read from /proc; it must run here, as this user), while every connection reconnects and resumes with its token and the observers catch up on history; the new server keeps running afterwards (its PID is restart_server_pid in the JSON line): stop it yourself" };
    private readonly Option<int> _uploads = new("--uploads") { Description = "fanout, native or ws: this many accounts of their own (after the receivers') each keep one HTTP upload (POST /api/files) in flight from the window's start to its end, starting the next as soon as one is answered; reports the uploads' throughput and refusals and the server's memory before, at its peak and after them (read every 100 ms; the server found by its port or --server-pid)", DefaultValueFactory = _ => 0 };
    private readonly Option<long> _uploadBytes = new("--upload-bytes") { Description = "--upload-kind file: bytes of each upload", DefaultValueFactory = _ => 5L * 1024 * 1024 };
    private readonly Option<string> _uploadKind = new("--upload-kind") { Description = "file (random bytes, stored as sent) or photo (a photo-like JPEG of --photo-width × --photo-height, about 5 MiB at 12 MP, the same for every upload: the server decodes, re-encodes and thumbnails each)", DefaultValueFactory = _ => "file" };
    private readonly Option<double> _uploadRate = new("--upload-rate") { Description = "--uploads: MiB/s of all uploads together, shared evenly by those in flight (clients on real links), each uploader's first file cut to (i + 1)/N of --upload-bytes so that uploads end evenly spread, not all together; 0: as fast as the server reads them, all starting at once", DefaultValueFactory = _ => 0 };
    private readonly Option<int?> _uploadPort = new("--upload-port") { Description = "the server's HTTP listener on --host, for the uploads [default: 8080; with --proto ws, --port]" };
    private readonly Option<int> _photoWidth = new("--photo-width") { Description = "--upload-kind photo: pixels", DefaultValueFactory = _ => 4000 };
    private readonly Option<int> _photoHeight = new("--photo-height") { Description = "--upload-kind photo: pixels", DefaultValueFactory = _ => 3000 };
    private readonly Option<int> _photoOrientation = new("--photo-orientation") { Description = "--upload-kind photo: EXIF orientation 1 (none) to 8; 6 is a phone's portrait photo, which the server turns upright (an upright JPEG may be stored without decoding it)", DefaultValueFactory = _ => 1 };
    private readonly Option<bool> _jsonOnly = new("--json-only") { Description = "print only the JSON line" };
    private readonly Option<double> _timeout = new("--timeout") { Description = "stop the whole run after this many seconds", DefaultValueFactory = _ => 600 };

    public Command Create()
    {
        _workload.AcceptOnlyFromAmong("fanout", "rooms", "idle", "bigroom");
        _proto.AcceptOnlyFromAmong("native", "ws", "irc", "redis");
        _uploadKind.AcceptOnlyFromAmong("file", "photo");
        var command = new Command("bench", "load generator: deliveries/s, latency, losses and memory per connection of a chat server")
        {
            _workload, _proto, _host, _port, _servers, _receivers, _senders, _rooms, _members, _connections, _rate, _duration, _warmup, _drain, _settle,
            _size, _window, _concurrency, _userPrefix, _password, _registerPort, _room, _search, _p99Bound, _maxBound, _precision, _serverPid, _cpuPids, _idleMembers, _tls, _restart,
            _uploads, _uploadBytes, _uploadKind, _uploadRate, _uploadPort, _photoWidth, _photoHeight, _photoOrientation, _jsonOnly, _timeout,
        };
        // `parley bench search` is a store benchmark of its own (SearchBenchCommand), not a workload against a server.
        command.Subcommands.Add(new SearchBenchCommand().Create());
        // So is `parley bench thumbnail`, of image processing in process (ThumbnailBenchCommand).
        command.Subcommands.Add(new ThumbnailBenchCommand().Create());
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = Settings(result);
            using var stop = new StopSignals(cancellationToken);
            return await RunAsync(settings, Console.Out, Console.Error, terminal: !Console.IsOutputRedirected, stop.Token);
        });
        return command;
    }

    private BenchSettings Settings(ParseResult result)
    {
        BenchProtoNames.TryParse(result.GetValue(_proto)!, out var proto);
        var search = result.GetValue(_search);
        var password = result.GetValue(_password);
        var workload = result.GetValue(_workload)!;
        var bigroom = workload == "bigroom";
        var servers = result.GetValue(_servers) ?? [];
        var port = servers.Length > 0 ? servers[0].Port : result.GetValue(_port) ?? proto.DefaultPort();
        return new BenchSettings
        {
            Workload = workload,
            Proto = proto,
            // With --servers, the first one stands for "the server" in the summary and the JSON line's host and port.
            Host = servers.Length > 0 ? servers[0].Host : result.GetValue(_host)!,
            Port = port,
            Servers = servers,
            Receivers = result.GetValue(_receivers),
            Senders = result.GetValue(_senders) ?? (bigroom ? 2 : 10),
            Rooms = result.GetValue(_rooms),
            Members = result.GetValue(_members) ?? (bigroom ? 10_000 : 5),
            Connections = result.GetValue(_connections),
            Rate = result.GetValue(_rate) ?? (bigroom ? 10 : 0),
            Duration = TimeSpan.FromSeconds(result.GetValue(_duration) ?? (search ? 3 : 10)),
            Warmup = TimeSpan.FromSeconds(result.GetValue(_warmup) ?? (search ? 1 : 2)),
            Drain = TimeSpan.FromSeconds(result.GetValue(_drain)),
            Settle = TimeSpan.FromSeconds(result.GetValue(_settle) ?? (bigroom ? 10 : 2)),
            Size = result.GetValue(_size),
            Window = result.GetValue(_window) ?? (workload == "rooms" ? 8 : 128),
            ConnectConcurrency = result.GetValue(_concurrency),
            UserPrefix = result.GetValue(_userPrefix)!,
            Password = password ?? "benchpass1",
            IrcPassword = proto == BenchProto.Irc ? password : null,
            RegisterPort = result.GetValue(_registerPort),
            Room = result.GetValue(_room) ?? (bigroom ? "lobby" : "benchfan"),
            Search = search,
            P99Bound = TimeSpan.FromMilliseconds(result.GetValue(_p99Bound)),
            MaxBound = TimeSpan.FromMilliseconds(result.GetValue(_maxBound)),
            PrecisionPercent = result.GetValue(_precision),
            ServerPid = result.GetValue(_serverPid),
            CpuPids = ParsePids(result.GetValue(_cpuPids)),
            IdleMembers = result.GetValue(_idleMembers),
            Tls = result.GetValue(_tls),
            Restart = result.GetValue(_restart),
            Uploads = result.GetValue(_uploads),
            UploadBytes = result.GetValue(_uploadBytes),
            UploadKind = result.GetValue(_uploadKind) == "photo" ? UploadKind.Photo : UploadKind.File,
            UploadRate = result.GetValue(_uploadRate) * 1024 * 1024,
            UploadPort = result.GetValue(_uploadPort) ?? (proto == BenchProto.Ws ? port : 8080),
            PhotoWidth = result.GetValue(_photoWidth),
            PhotoHeight = result.GetValue(_photoHeight),
            PhotoOrientation = result.GetValue(_photoOrientation),
            JsonOnly = result.GetValue(_jsonOnly),
            Timeout = TimeSpan.FromSeconds(result.GetValue(_timeout)),
        };
    }

    /// <summary>PID,PID,... for --cpu-pids; a part that is not a positive number is kept as 0, which <see cref="Invalid"/> refuses.</summary>
    private static int[] ParsePids(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)];

    /// <summary>HOST:PORT,HOST:PORT,... for --servers.</summary>
    private static DnsEndPoint[] ParseServers(ArgumentResult result)
    {
        var list = new List<DnsEndPoint>();
        foreach (var item in result.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(item[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                result.AddError($"--servers: '{item}' is not HOST:PORT (a port 1..65535)");
                return [];
            }
            list.Add(new DnsEndPoint(item[..colon], port));
        }
        if (list.Count == 0)
            result.AddError("--servers needs at least one HOST:PORT");
        return [.. list];
    }

    /// <summary>Runs one bench; 0 when it ran (whatever it measured), 1 when it could not set up, 2 for bad settings.</summary>
    public static async Task<int> RunAsync(BenchSettings settings, TextWriter output, TextWriter error, bool terminal, CancellationToken cancellationToken)
    {
        if (Invalid(settings) is { } problem)
        {
            await error.WriteLineAsync($"parley bench: {problem}");
            return 2;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(settings.Timeout);
        var progress = new Progress(output, terminal, settings.JsonOnly);
        await using var runner = new BenchRunner(settings, progress);
        BenchRunner.Outcome outcome;
        try
        {
            outcome = await runner.RunAsync(stop.Token);
        }
        catch (BenchSetupException ex)
        {
            progress.Finish();
            await error.WriteLineAsync($"parley bench: {ex.Message}");
            foreach (var e in runner.FirstErrors)
                await error.WriteLineAsync($"  {e}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            progress.Finish();
            await error.WriteLineAsync("parley bench: stopped while setting up; nothing was measured");
            return 1;
        }
        progress.Finish();
        if (!settings.JsonOnly)
            await output.WriteAsync(BenchReport.Summary(settings, outcome, runner.FirstErrors));
        await output.WriteLineAsync(BenchReport.Json(settings, outcome));
        await output.FlushAsync(CancellationToken.None);
        return 0;
    }

    private static string? Invalid(BenchSettings s)
    {
        if (s.Port is <= 0 or > 65535)
            return "--port must be 1..65535";
        if (s.Size < 1 || s.Size > 60000)
            return "--size must be 1..60000 bytes";
        if (s.Workload == "fanout" && (s.Senders < 1 || s.Receivers < 1))
            return "fanout needs --senders and --receivers of at least 1";
        if (s.Workload == "rooms" && (s.Rooms < 1 || s.Members < 1))
            return "rooms needs --rooms and --members of at least 1";
        if (s.Workload == "idle" && s.Connections < 1)
            return "idle needs --connections of at least 1";
        if (s.Workload == "bigroom" && (s.Members < 1 || s.Senders < 1 || s.Receivers < 1 || s.Settle <= TimeSpan.Zero))
            return "bigroom needs --members, --senders and --receivers (observers) of at least 1, and --settle of more than 0";
        if (s.Workload == "bigroom" && s.Proto == BenchProto.Redis)
            return "bigroom needs sign-ins: native, ws or irc";
        if (s.Restart && (s.Workload != "bigroom" || s.Proto != BenchProto.Native))
            return "--restart works with bigroom over --proto native only (it resumes Parley sessions with their tokens)";
        if (s.Servers.Count > 0 && (s.Workload is not ("fanout" or "rooms") || s.Proto is not (BenchProto.Native or BenchProto.Ws)))
            return "--servers works with fanout and rooms over --proto native or ws (nodes of one Parley chat)";
        if (s.CpuPids.Any(pid => pid <= 0) || s.CpuPids.Count > 0 && s.Workload is not ("fanout" or "rooms"))
            return "--cpu-pids must be process ids, separated by commas, for fanout or rooms";
        if (s.Tls && (s.Workload != "idle" || s.Proto == BenchProto.Redis || s.RegisterPort is not null))
            return "--tls works with idle over --proto native, ws or irc (without --register-port)";
        if (s.Search && s.Workload is "idle" or "bigroom")
            return "--search works with fanout and rooms";
        if (s.Search && (s.PrecisionPercent <= 0 || s.MaxBound < TimeSpan.Zero))
            return "--precision must be more than 0 and --max-bound 0 or more";
        if (s.Rate < 0 || s.Window < 1 || s.ConnectConcurrency < 1)
            return "--rate must be 0 or more, --window and --concurrency at least 1";
        if (s.Uploads < 0)
            return "--uploads must be 0 or more";
        if (s.Uploads > 0 && (s.Workload != "fanout" || s.Proto is not (BenchProto.Native or BenchProto.Ws) || s.Servers.Count > 0 || s.Search))
            return "--uploads works with fanout over --proto native or ws, against one server, without --search (uploads need an account's token)";
        if (s.Uploads > 0 && (s.UploadBytes < 1 || s.UploadPort is <= 0 or > 65535 || s.PhotoWidth < 1 || s.PhotoHeight < 1 || s.Settle < TimeSpan.Zero || s.UploadRate < 0 || s.PhotoOrientation is < 1 or > 8))
            return "--upload-bytes, --photo-width and --photo-height must be at least 1, --upload-port 1..65535, --photo-orientation 1..8, --settle and --upload-rate 0 or more";
        if (s.Duration <= TimeSpan.Zero)
            return "--duration must be more than 0";
        if (s.Room.Length == 0 || !char.IsAsciiLetter(s.Room[0]))
            return "--room must start with a letter";
        _ = CultureInfo.InvariantCulture;
        return null;
    }
}
