using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Bench;

/// <summary>The readable summary and the one JSON line of a run.</summary>
public static partial class BenchReport
{
    public static string Summary(BenchSettings s, BenchRunner.Outcome outcome, IReadOnlyList<string> firstErrors)
    {
        var r = outcome.Result;
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"parley bench {s.Workload} --proto {s.Proto.Name()}{(s.Tls ? " --tls" : "")} against {s.Host}:{s.Port} (bench cpus {ProcessInfo.AllowedCpusOfThisProcess() ?? "?"} of {Environment.ProcessorCount})");
        if (s.Workload == "bigroom" && outcome.BigRoom is { } big)
        {
            BigRoomSummary(text, s, big, outcome.ServerPid ?? s.ServerPid);
        }
        else if (s.Workload == "idle")
        {
            text.AppendLine(inv, $"  connections      {r.Connections} signed in, in {r.ConnectSeconds:0.00} s (each: p50 {r.ConnectP50Ms:0.0} ms, p99 {r.ConnectP99Ms:0.0} ms)");
            if (r.RssBytesBefore is { } before && r.RssBytesAfter is { } after)
            {
                text.AppendLine(inv, $"  server memory    {Mib(before)} -> {Mib(after)} resident (pid {outcome.ServerPid ?? s.ServerPid})");
                text.AppendLine(inv, $"  per connection   {r.BytesPerConnection / 1024:0.00} KiB");
                if (r.MarginalBytesPerConnection is { } marginal)
                    text.AppendLine(inv, $"  marginal         {marginal / 1024:0.00} KiB per connection over the second half ({Mib(r.RssBytesWarm ?? 0)} then)");
            }
            else
            {
                text.AppendLine("  server memory    unknown (no --server-pid and no local listener found)");
            }
            text.AppendLine(inv, $"  errors           {r.Errors}");
        }
        else
        {
            if (s.Search)
            {
                var maxBound = s.MaxBound > TimeSpan.Zero ? $", max < {s.MaxBound.TotalMilliseconds.ToString("0", inv)} ms" : "";
                text.AppendLine(inv, $"  search           highest rate with p99 < {s.P99Bound.TotalMilliseconds:0} ms{maxBound} and nothing lost: {r.Rate:0} msg/s ({outcome.Steps.Count} steps)");
            }
            var shape = s.Workload == "fanout" ? $"{s.Senders} senders -> {s.Receivers} receivers" : $"{s.Rooms} rooms x {s.Members} members";
            text.AppendLine(inv, $"  load             {shape}, {s.Size} B messages, {(r.Rate > 0 ? r.Rate.ToString("0", inv) + " msg/s" : "flat out")}, {r.WindowSeconds:0.0} s measured after {s.Warmup.TotalSeconds:0.#} s warm-up");
            text.AppendLine(inv, $"  deliveries/s     {r.DeliveriesPerSecond:N0}");
            text.AppendLine(inv, $"  latency ms       p50 {r.P50Ms:0.00}  p90 {r.P90Ms:0.00}  p99 {r.P99Ms:0.00}  max {r.MaxMs:0.00}");
            if (s.Servers.Count > 1)
                text.AppendLine(inv, $"  cross-node ms    p50 {r.CrossNodeP50Ms:0.00}  p99 {r.CrossNodeP99Ms:0.00}  max {r.CrossNodeMaxMs:0.00} ({r.CrossNodeDeliveries} deliveries from a sender on another of the {s.Servers.Count} servers)");
            if (r.ServerCpu.Any(c => c is not null))
            {
                var shares = string.Join(", ", r.ServerCpu.Select((c, i) => $"{ServerName(s, i)} {(c is { } share ? share.ToString("P0", inv) : "?")}"));
                var others = string.Concat(r.OtherCpu.Select((c, i) => $"; pid {s.CpuPids[i]} {(c is { } share ? share.ToString("P0", inv) : "?")}"));
                text.AppendLine(inv, $"  cpu              {shares}; bench {(r.BenchCpu is { } bench ? bench.ToString("P0", inv) : "?")}{others} (of one core, over the window)");
            }
            if (r.ServerRssStart is { } rssStart && r.ServerRssPeak is { } rssPeak)
                text.AppendLine(inv, $"  server memory    {Mib(rssStart)} at the window's start, peak {Mib(rssPeak)} (+{Mib(rssPeak - rssStart)}), {Mib(r.ServerRssEnd ?? 0)} at its end (read every {BenchRunner.NodeCpuInterval.TotalMilliseconds:0} ms)");
            text.AppendLine(inv, $"  messages         sent {r.Sent} in the window, {r.SentPerSecond:N0}/s ({r.SentTotal} in all, {r.Acked} acknowledged)");
            text.AppendLine(inv, $"  deliveries       expected {r.Expected}, lost {r.Lost}, duplicated {r.Duplicated}, errors {r.Errors}");
            if (outcome.Uploads is { } uploads)
                UploadSummary(text, uploads);
        }
        if (outcome.BigRoom?.Stopped ?? r.Stopped)
            text.AppendLine("  (stopped early: figures cover what ran)");
        foreach (var e in firstErrors)
            text.AppendLine(inv, $"  error: {e}");
        return text.ToString();
    }

    /// <summary>HOST:PORT of the <paramref name="index"/>-th server.</summary>
    private static string ServerName(BenchSettings s, int index) =>
        s.Servers.Count == 0 ? $"{s.Host}:{s.Port}" : $"{s.Servers[index].Host}:{s.Servers[index].Port}";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    public static string Json(BenchSettings s, BenchRunner.Outcome outcome)
    {
        var r = outcome.Result;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("workload", s.Workload);
            json.WriteString("proto", s.Proto.Name());
            if (s.Tls)
                json.WriteBoolean("tls", true);
            json.WriteStartObject("params");
            json.WriteString("host", s.Host);
            json.WriteNumber("port", s.Port);
            if (s.Servers.Count > 0)
            {
                json.WriteStartArray("servers");
                for (var i = 0; i < s.Servers.Count; i++)
                    json.WriteStringValue(ServerName(s, i));
                json.WriteEndArray();
            }
            switch (s.Workload)
            {
                case "fanout":
                    json.WriteNumber("receivers", s.Receivers);
                    json.WriteNumber("senders", s.Senders);
                    UploadParams(json, s);
                    break;
                case "rooms":
                    json.WriteNumber("rooms", s.Rooms);
                    json.WriteNumber("members", s.Members);
                    break;
                case "bigroom":
                    BigRoomParams(json, s);
                    break;
                default:
                    json.WriteNumber("connections", s.Connections);
                    json.WriteNumber("settle_s", s.Settle.TotalSeconds);
                    break;
            }
            if (s.Workload is not ("idle" or "bigroom"))
            {
                json.WriteNumber("rate", s.Search ? r.Rate : s.Rate);
                json.WriteNumber("size", s.Size);
                json.WriteNumber("duration_s", s.Duration.TotalSeconds);
                json.WriteNumber("warmup_s", s.Warmup.TotalSeconds);
                json.WriteNumber("window", s.Window);
                json.WriteBoolean("search", s.Search);
                if (s.Search)
                {
                    json.WriteNumber("p99_bound_ms", s.P99Bound.TotalMilliseconds);
                    json.WriteNumber("max_bound_ms", s.MaxBound.TotalMilliseconds);
                    json.WriteNumber("precision_percent", s.PrecisionPercent);
                }
            }
            json.WriteEndObject();
            json.WriteString("cpus", ProcessInfo.AllowedCpusOfThisProcess() ?? "");
            json.WriteNumber("processor_count", Environment.ProcessorCount);
            var pid = outcome.ServerPid ?? (s.ServerPid != 0 ? s.ServerPid : null);
            if (pid is { } serverPid && ProcessInfo.AllowedCpus(serverPid) is { } serverCpus)
                json.WriteString("server_cpus", serverCpus);
            if (s.Workload == "bigroom" && outcome.BigRoom is { } big)
            {
                BigRoomFigures(json, big);
            }
            else if (s.Workload == "idle")
            {
                json.WriteNumber("connections", r.Connections);
                json.WriteNumber("connect_seconds", Round(r.ConnectSeconds));
                json.WriteNumber("connect_p50_ms", Round(r.ConnectP50Ms));
                json.WriteNumber("connect_p99_ms", Round(r.ConnectP99Ms));
                WriteNullable(json, "rss_bytes_before", r.RssBytesBefore);
                WriteNullable(json, "rss_bytes_warm", r.RssBytesWarm);
                WriteNullable(json, "rss_bytes_after", r.RssBytesAfter);
                WriteNullable(json, "bytes_per_connection", r.BytesPerConnection is { } per ? (long)Math.Round(per) : null);
                WriteNullable(json, "marginal_bytes_per_connection", r.MarginalBytesPerConnection is { } marginal ? (long)Math.Round(marginal) : null);
            }
            else
            {
                json.WriteNumber("deliveries_per_s", Math.Round(r.DeliveriesPerSecond));
                json.WriteNumber("p50_ms", Round(r.P50Ms));
                json.WriteNumber("p90_ms", Round(r.P90Ms));
                json.WriteNumber("p99_ms", Round(r.P99Ms));
                json.WriteNumber("max_ms", Round(r.MaxMs));
                json.WriteNumber("window_s", Round(r.WindowSeconds));
                json.WriteNumber("expected", r.Expected);
                json.WriteNumber("delivered", r.Delivered);
                json.WriteNumber("lost", r.Lost);
                json.WriteNumber("duplicated", r.Duplicated);
                json.WriteNumber("sent", r.Sent);
                json.WriteNumber("sent_per_s", Math.Round(r.SentPerSecond));
                json.WriteNumber("sent_total", r.SentTotal);
                json.WriteNumber("acked", r.Acked);
                if (s.Servers.Count > 1)
                {
                    json.WriteStartObject("cross_node");
                    json.WriteNumber("deliveries", r.CrossNodeDeliveries);
                    json.WriteNumber("p50_ms", Round(r.CrossNodeP50Ms));
                    json.WriteNumber("p99_ms", Round(r.CrossNodeP99Ms));
                    json.WriteNumber("max_ms", Round(r.CrossNodeMaxMs));
                    json.WriteEndObject();
                }
                if (outcome.NodePids.Count > 0)
                    Nodes(json, s, outcome, r);
                if (outcome.Uploads is { } uploads)
                    UploadFigures(json, uploads);
            }
            json.WriteNumber("errors", outcome.BigRoom?.Errors ?? r.Errors);
            json.WriteBoolean("stopped", outcome.BigRoom?.Stopped ?? r.Stopped);
            if (s.Search)
            {
                json.WriteStartArray("steps");
                foreach (var step in outcome.Steps)
                {
                    json.WriteStartObject();
                    json.WriteNumber("rate", step.Rate);
                    json.WriteNumber("deliveries_per_s", Math.Round(step.DeliveriesPerSecond));
                    json.WriteNumber("p99_ms", Round(step.P99Ms));
                    json.WriteNumber("max_ms", Round(step.MaxMs));
                    json.WriteNumber("lost", step.Lost);
                    json.WriteNumber("errors", step.Errors);
                    if (s.Servers.Count > 1)
                        json.WriteNumber("cross_node_p99_ms", Round(step.CrossNodeP99Ms));
                    if (step.ServerCpu.Any(c => c is not null))
                    {
                        json.WriteStartArray("server_cpu");
                        foreach (var c in step.ServerCpu)
                        {
                            if (c is { } share)
                                json.WriteNumberValue(Round(share));
                            else
                                json.WriteNullValue();
                        }
                        json.WriteEndArray();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>fanout, rooms: each server's process, allowed CPUs and CPU share over the window, and the generator's share.</summary>
    private static void Nodes(Utf8JsonWriter json, BenchSettings s, BenchRunner.Outcome outcome, BenchResult r)
    {
        json.WriteStartArray("nodes");
        for (var i = 0; i < outcome.NodePids.Count; i++)
        {
            var pid = outcome.NodePids[i];
            json.WriteStartObject();
            json.WriteString("server", ServerName(s, i));
            WriteNullable(json, "pid", pid != 0 ? pid : null);
            WriteNullable(json, "cpus", pid != 0 ? ProcessInfo.AllowedCpus(pid) : null);
            WriteNullable(json, "cpu", i < r.ServerCpu.Count && r.ServerCpu[i] is { } cpu ? Round(cpu) : null);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        WriteNullable(json, "bench_cpu", r.BenchCpu is { } bench ? Round(bench) : null);
        if (r.ServerRssStart is not null)
        {
            json.WriteStartObject("server_rss");
            WriteNullable(json, "start_bytes", r.ServerRssStart);
            WriteNullable(json, "peak_bytes", r.ServerRssPeak);
            WriteNullable(json, "end_bytes", r.ServerRssEnd);
            json.WriteEndObject();
        }
        if (s.CpuPids.Count == 0)
            return;
        json.WriteStartArray("other_cpu");
        for (var i = 0; i < s.CpuPids.Count; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", s.CpuPids[i]);
            WriteNullable(json, "cpu", i < r.OtherCpu.Count && r.OtherCpu[i] is { } cpu ? Round(cpu) : null);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
            json.WriteString(name, value);
        else
            json.WriteNull(name);
    }
}
