using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Bench;

/// <summary>bigroom's part of the summary and of the JSON line: the sign-in storm, chat in three phases, the server's memory.</summary>
public static partial class BenchReport
{
    private static void BigRoomSummary(StringBuilder text, BenchSettings s, BigRoomResult b, int pid)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"  room             {s.Room}: {b.Members} members, {s.Senders} senders at {(s.Rate > 0 ? s.Rate.ToString("0.#", inv) + " msg/s" : "flat out")}, {s.Receivers} observers, {s.Size} B messages{(s.IdleMembers ? "; members do not read" : "")}");
        var first = b.FirstThousandPerSecond is { } f ? string.Create(inv, $"; first 1,000 {f:0}/s, ratio {b.RateRatio:0.00}") : "";
        text.AppendLine(inv, $"  sign-in storm    {b.SignedIn} in {b.SignInSeconds:0.00} s, {b.SignInsPerSecond:0}/s{first} (--concurrency {s.ConnectConcurrency}; each: p50 {b.SignInP50Ms:0.0} ms, p99 {b.SignInP99Ms:0.0} ms)");
        if (b.DecilesPerSecond.Count > 0)
            text.AppendLine(inv, $"  by tenths /s     {string.Join(' ', b.DecilesPerSecond.Select(d => d.ToString("0", inv)))}");
        PhaseLine(text, "chat in storm", b.Storm, b.StormCpu);
        PhaseLine(text, "chat steady", b.Steady, b.SteadyCpu);
        if (b.Restart is { } restart)
            RestartSummary(text, restart);
        PhaseLine(text, "chat disconnect", b.Disconnect, b.DisconnectCpu);
        text.AppendLine(inv, $"  disconnect       {b.Closed} members closed in {b.CloseSeconds * 1000:0} ms");
        if (b.RssSteady is { } steady)
        {
            var recovery = b.RssRecoverySeconds is { } r ? r.ToString("0.0", inv) + " s" : $"not within {s.Settle.TotalSeconds:0.#} s";
            text.AppendLine(inv, $"  server memory    before {Mib(b.RssBeforeStorm ?? 0)}, storm peak {Mib(b.RssStormPeak ?? 0)}, steady {Mib(steady)} (pid {pid})");
            text.AppendLine(inv, $"  after disconnect peak {Mib(b.RssDisconnectPeak ?? 0)} ({b.RssPeakRatio:0.00}x steady), back within 10 %: {recovery}, at the end {Mib(b.RssAfter ?? 0)}");
        }
        else
        {
            text.AppendLine("  server memory    unknown (no --server-pid and no local listener found)");
        }
        text.AppendLine(inv, $"  errors           {b.Errors}");
    }

    private static void RestartSummary(StringBuilder text, RestartResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        string S(double? seconds) => seconds is { } v ? v.ToString("0.00", inv) + " s" : "never";
        text.AppendLine(inv, $"  restart          SIGTERM -> old server gone {S(r.StoppedSeconds)}{(r.Killed ? " (killed)" : "")}, listening again {S(r.ListeningSeconds)}, all {r.Connections} resumed {S(r.ResumedSeconds)}, observers caught up {S(r.CaughtUpSeconds)}");
        text.AppendLine(inv, $"  resumes          {r.Resumed} of {r.Connections} ({r.ResumesPerSecond:0}/s from listening), failed {r.Failed}, connects refused {r.Refused}; new server pid {r.ServerPid} (still running; output in {r.Log})");
        text.AppendLine(inv, $"  nothing lost     {r.Acknowledged} messages acknowledged; at {r.ObserversChecked} observers: lost {r.Lost}, duplicated {r.Duplicated}, out of order {r.OutOfOrder}; {r.CaughtUp} from history in {r.HistoryRequests} requests; unanswered sends stored {r.StoredUnanswered}, sent again {r.Resent}");
        PhaseLine(text, "chat restart", r.Chat, r.Cpu);
        foreach (var failure in r.FirstFailures)
            text.AppendLine(inv, $"  resume failed: {failure}");
    }

    private static void PhaseLine(StringBuilder text, string name, BenchResult r, (double Server, double Bench)? cpu)
    {
        var busy = cpu is { } c ? string.Create(CultureInfo.InvariantCulture, $"; cpu server {c.Server * 100:0} %, bench {c.Bench * 100:0} %") : "";
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {name,-16} p50 {r.P50Ms:0.00}  p99 {r.P99Ms:0.00}  max {r.MaxMs:0.00} ms; {r.Sent} sent in {r.WindowSeconds:0.0} s, {r.Delivered} delivered, expected {r.Expected}, lost {r.Lost}{busy}");
    }

    private static void BigRoomParams(Utf8JsonWriter json, BenchSettings s)
    {
        json.WriteNumber("members", s.Members);
        json.WriteNumber("senders", s.Senders);
        json.WriteNumber("observers", s.Receivers);
        json.WriteString("room", s.Room);
        json.WriteNumber("concurrency", s.ConnectConcurrency);
        json.WriteNumber("rate", s.Rate);
        json.WriteNumber("size", s.Size);
        json.WriteNumber("duration_s", s.Duration.TotalSeconds);
        json.WriteNumber("warmup_s", s.Warmup.TotalSeconds);
        json.WriteNumber("settle_s", s.Settle.TotalSeconds);
        json.WriteNumber("window", s.Window);
        json.WriteBoolean("idle_members", s.IdleMembers);
        json.WriteBoolean("restart", s.Restart);
    }

    private static void BigRoomFigures(Utf8JsonWriter json, BigRoomResult b)
    {
        json.WriteStartObject("signin");
        json.WriteNumber("members", b.Members);
        json.WriteNumber("signed_in", b.SignedIn);
        json.WriteNumber("seconds", Round(b.SignInSeconds));
        json.WriteNumber("per_s", Math.Round(b.SignInsPerSecond, 1));
        WriteNullable(json, "first_1000_per_s", b.FirstThousandPerSecond is { } f ? Math.Round(f, 1) : null);
        WriteNullable(json, "ratio_to_first_1000", b.RateRatio is { } ratio ? Round(ratio) : null);
        json.WriteStartArray("deciles_per_s");
        foreach (var d in b.DecilesPerSecond)
            json.WriteNumberValue(Math.Round(d, 1));
        json.WriteEndArray();
        json.WriteNumber("p50_ms", Round(b.SignInP50Ms));
        json.WriteNumber("p99_ms", Round(b.SignInP99Ms));
        json.WriteEndObject();
        PhaseObject(json, "storm", b.Storm, b.StormCpu);
        PhaseObject(json, "steady", b.Steady, b.SteadyCpu);
        PhaseObject(json, "disconnect", b.Disconnect, b.DisconnectCpu);
        if (b.Restart is { } r)
            RestartObject(json, r);
        json.WriteStartObject("rss");
        WriteNullable(json, "before_storm_bytes", b.RssBeforeStorm);
        WriteNullable(json, "storm_peak_bytes", b.RssStormPeak);
        WriteNullable(json, "steady_bytes", b.RssSteady);
        WriteNullable(json, "disconnect_peak_bytes", b.RssDisconnectPeak);
        WriteNullable(json, "peak_ratio", b.RssPeakRatio is { } ratio2 ? Round(ratio2) : null);
        WriteNullable(json, "recovery_s", b.RssRecoverySeconds is { } rec ? Round(rec) : null);
        WriteNullable(json, "after_bytes", b.RssAfter);
        json.WriteNumber("closed", b.Closed);
        json.WriteNumber("close_s", Round(b.CloseSeconds));
        json.WriteNumber("sample_ms", b.RssSampleMs);
        json.WriteNumber("series_lead_s", Round(b.RssSeriesLeadSeconds));
        json.WriteStartArray("series_kib");
        foreach (var kib in b.RssSeriesKib)
            json.WriteNumberValue(kib);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void RestartObject(Utf8JsonWriter json, RestartResult r)
    {
        // Top level too, for a script that has to stop the server the bench started.
        // Null when the run stopped before the server was started again.
        WriteNullable(json, "restart_server_pid", r.ServerPid != 0 ? r.ServerPid : null);
        json.WriteStartObject("restart");
        WriteNullable(json, "server_pid", r.ServerPid != 0 ? r.ServerPid : null);
        json.WriteBoolean("killed", r.Killed);
        json.WriteNumber("stopped_s", Round(r.StoppedSeconds));
        WriteNullable(json, "listening_s", r.ListeningSeconds is { } l ? Round(l) : null);
        WriteNullable(json, "resumed_s", r.ResumedSeconds is { } d ? Round(d) : null);
        WriteNullable(json, "caught_up_s", r.CaughtUpSeconds is { } c ? Round(c) : null);
        json.WriteNumber("connections", r.Connections);
        json.WriteNumber("resumed", r.Resumed);
        json.WriteNumber("failed", r.Failed);
        json.WriteNumber("resumes_per_s", Math.Round(r.ResumesPerSecond, 1));
        json.WriteNumber("refused", r.Refused);
        json.WriteNumber("acknowledged", r.Acknowledged);
        json.WriteNumber("observers_checked", r.ObserversChecked);
        json.WriteNumber("lost", r.Lost);
        json.WriteNumber("duplicated", r.Duplicated);
        json.WriteNumber("out_of_order", r.OutOfOrder);
        json.WriteNumber("caught_up", r.CaughtUp);
        json.WriteNumber("history_requests", r.HistoryRequests);
        json.WriteNumber("stored_unanswered", r.StoredUnanswered);
        json.WriteNumber("resent", r.Resent);
        json.WriteEndObject();
        PhaseObject(json, "restart_chat", r.Chat, r.Cpu);
    }

    private static void PhaseObject(Utf8JsonWriter json, string name, BenchResult r, (double Server, double Bench)? cpu)
    {
        json.WriteStartObject(name);
        json.WriteNumber("window_s", Round(r.WindowSeconds));
        json.WriteNumber("sent", r.Sent);
        json.WriteNumber("expected", r.Expected);
        json.WriteNumber("delivered", r.Delivered);
        json.WriteNumber("lost", r.Lost);
        json.WriteNumber("duplicated", r.Duplicated);
        json.WriteNumber("p50_ms", Round(r.P50Ms));
        json.WriteNumber("p90_ms", Round(r.P90Ms));
        json.WriteNumber("p99_ms", Round(r.P99Ms));
        json.WriteNumber("max_ms", Round(r.MaxMs));
        json.WriteNumber("acked", r.Acked);
        json.WriteNumber("errors", r.Errors);
        // Shares of one core over the window (for the storm: over the sign-ins).
        WriteNullable(json, "server_cpu", cpu is { } c ? Round(c.Server) : null);
        WriteNullable(json, "bench_cpu", cpu is { } c2 ? Round(c2.Bench) : null);
        json.WriteEndObject();
    }
}
