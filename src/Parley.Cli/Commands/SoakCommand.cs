using System.CommandLine;
using System.Runtime.InteropServices;
using Parley.Cli.Soak;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley soak`: starts its own servers on loopback, runs a mixed population through scheduled
/// faults, checks that nothing acknowledged was lost or duplicated and that everyone received
/// everything, and writes a report (JSON lines and an SVG plot). Exit code 0 when every invariant
/// held, 2 when one did not, 1 when the run could not be set up.
/// </summary>
public sealed class SoakCommand
{
    private readonly Option<string> _profile = new("--profile") { Description = "short (about 2 minutes, about 30 clients, a few faults) or long (60 minutes of faults after 3 of warm-up, 300 clients, a fault every 4 minutes)", DefaultValueFactory = _ => "short" };
    private readonly Option<bool> _cluster = new("--cluster") { Description = "two nodes on a redis-server of the run's own (AOF on), through a proxy the run can cut; faults: kill -9 of a node, SIGSTOP/SIGCONT of a node, Redis killed and restarted, Redis unreachable" };
    private readonly Option<string> _out = new("--out") { Description = "directory for soak.jsonl, soak.svg and the servers' logs", DefaultValueFactory = _ => "soak-out" };
    private readonly Option<int?> _tcp = new("--tcp-clients") { Description = "native clients over TCP [default: short 16, long 160]" };
    private readonly Option<int?> _ws = new("--ws-clients") { Description = "native clients over WebSocket [default: short 10, long 100]" };
    private readonly Option<int?> _irc = new("--irc-clients") { Description = "IRC clients (accounts, PASS) [default: short 4, long 40]" };
    private readonly Option<int?> _rooms = new("--rooms") { Description = "rooms; each client joins 2 besides the default room [default: short 6, long 40]" };
    private readonly Option<double?> _interval = new("--send-interval") { Description = "mean seconds between two sends of one client (exponential gaps; a tenth are bursts of 5) [default: short 2, long 4]" };
    private readonly Option<double?> _warmup = new("--warmup") { Description = "seconds of traffic without faults before the baseline RSS reading [default: short 15, long 180]" };
    private readonly Option<double?> _duration = new("--duration") { Description = "seconds of traffic with faults [default: short 60, long 3600]" };
    private readonly Option<double?> _faultInterval = new("--fault-interval") { Description = "seconds between two faults [default: short 25, long 240]" };
    private readonly Option<double?> _stall = new("--stall-seconds") { Description = "how long a node stays SIGSTOPped [default: short 5, long 20]" };
    private readonly Option<bool> _noKill = new("--no-kill") { Description = "no kill -9 of the server (or of a node)" };
    private readonly Option<bool> _noStall = new("--no-stall") { Description = "--cluster: no SIGSTOP/SIGCONT of a node" };
    private readonly Option<bool> _noRedisRestart = new("--no-redis-restart") { Description = "--cluster: no kill -9 and restart of Redis" };
    private readonly Option<bool> _noRedisCut = new("--no-redis-cut") { Description = "--cluster: Redis never unreachable (the proxy never cut)" };
    private readonly Option<bool> _noClientCuts = new("--no-client-cuts") { Description = "no client drops its connection on purpose (mid-frame or not)" };
    private readonly Option<int> _seed = new("--seed") { Description = "seed of the population's choices", DefaultValueFactory = _ => 32 };

    public Command Create()
    {
        _profile.AcceptOnlyFromAmong("short", "long");
        var command = new Command("soak", "soak and chaos run: its own servers, a mixed population, faults on a schedule, invariants checked at the end, a report")
        {
            _profile, _cluster, _out, _tcp, _ws, _irc, _rooms, _interval, _warmup, _duration, _faultInterval, _stall,
            _noKill, _noStall, _noRedisRestart, _noRedisCut, _noClientCuts, _seed,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var stop = new StopSignals(cancellationToken);
            return await RunAsync(Settings(result), Console.Out, Console.Error, stop.Token);
        });
        return command;
    }

    private SoakSettings Settings(ParseResult result)
    {
        var cluster = result.GetValue(_cluster);
        var profile = result.GetValue(_profile) == "long" ? SoakSettings.Long(cluster) : SoakSettings.Short(cluster);
        static TimeSpan? Seconds(double? s) => s is { } v ? TimeSpan.FromSeconds(v) : null;
        var warmup = Seconds(result.GetValue(_warmup)) ?? profile.Warmup;
        var chaos = Seconds(result.GetValue(_duration)) ?? profile.Chaos;
        return profile with
        {
            OutDirectory = result.GetValue(_out)!,
            TcpClients = result.GetValue(_tcp) ?? profile.TcpClients,
            WsClients = result.GetValue(_ws) ?? profile.WsClients,
            IrcClients = result.GetValue(_irc) ?? profile.IrcClients,
            Rooms = Math.Max(1, result.GetValue(_rooms) ?? profile.Rooms),
            SendInterval = Seconds(result.GetValue(_interval)) ?? profile.SendInterval,
            Warmup = warmup,
            Chaos = chaos,
            FaultInterval = Seconds(result.GetValue(_faultInterval)) ?? profile.FaultInterval,
            StallFor = Seconds(result.GetValue(_stall)) ?? profile.StallFor,
            KillServer = !result.GetValue(_noKill),
            StallNode = !result.GetValue(_noStall),
            RestartRedis = !result.GetValue(_noRedisRestart),
            CutRedis = !result.GetValue(_noRedisCut),
            ClientCuts = !result.GetValue(_noClientCuts),
            Seed = result.GetValue(_seed),
            // Setup, settling and the checks need time besides the traffic; past this the run stops and fails.
            HardLimit = warmup + chaos + TimeSpan.FromMinutes(5) + chaos / 4,
        };
    }

    /// <summary>Runs the soak and writes its report; returns the exit code.</summary>
    public static async Task<int> RunAsync(SoakSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            await error.WriteLineAsync("parley soak: Linux only (it signals and reads /proc of the servers it starts)");
            return 1;
        }
        var runner = new SoakRunner(settings, output);
        try
        {
            var result = await runner.RunAsync(cancellationToken);
            SoakReport.Write(result, settings.OutDirectory, output);
            return result.Passed ? 0 : 2;
        }
        catch (SoakSetupException ex)
        {
            await error.WriteLineAsync($"parley soak: {ex.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync(cancellationToken.IsCancellationRequested
                ? "parley soak: stopped"
                : $"parley soak: the run did not end within its limit of {settings.HardLimit.TotalMinutes:0} minutes");
            return 1;
        }
        finally
        {
            await runner.DisposeAsync();
            runner.DeleteWorkDirectory();
        }
    }
}
