using System.Globalization;
using System.Text.Json;

namespace Parley.Cli.Soak;

/// <summary>
/// Writes a run's report: <c>soak.jsonl</c> (one line per report interval, per fault, per RSS
/// reading, per violation, and a last summary line), <c>soak.svg</c> (RSS and p99 over time) and
/// a readable summary to the given writer.
/// </summary>
public static class SoakReport
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Write(SoakResult result, string directory, TextWriter summary)
    {
        Directory.CreateDirectory(directory);
        var settings = result.Settings;
        using (var lines = new StreamWriter(Path.Combine(directory, "soak.jsonl")))
        {
            foreach (var interval in result.Latency)
            {
                var start = interval.Interval * settings.ReportInterval.TotalSeconds;
                var rss = result.Rss.Where(r => r.Seconds >= start && r.Seconds < start + settings.ReportInterval.TotalSeconds)
                    .GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Max(r => r.Bytes));
                Line(lines, new { type = "interval", interval.Interval, start_s = start, interval.Sent, interval.Acked, p50_ms = Round(interval.P50Ms), p99_ms = Round(interval.P99Ms), max_ms = Round(interval.MaxMs), rss_bytes = rss });
            }
            foreach (var fault in result.Faults)
                Line(lines, new { type = "fault", fault = fault.Kind, fault.Target, start_s = Math.Round(fault.StartSeconds, 1), end_s = Math.Round(fault.EndSeconds, 1), presence_converged_s = Round(fault.PresenceConvergedSeconds) });
            foreach (var sample in result.Rss)
                Line(lines, new { type = "rss", t_s = Math.Round(sample.Seconds, 1), sample.Node, sample.Bytes });
            foreach (var violation in result.Violations)
                Line(lines, new { type = "violation", text = violation });
            Line(lines, new
            {
                type = "summary",
                profile = settings.Profile,
                cluster = settings.Cluster,
                passed = result.Passed,
                seconds = Math.Round(result.Seconds, 1),
                clients = new { tcp = settings.TcpClients, ws = settings.WsClients, irc = settings.IrcClients, rooms = settings.Rooms },
                faults = result.Faults.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count()),
                result.Sent,
                acknowledged = result.Acknowledged,
                stored_unanswered = result.StoredUnanswered,
                result.Resent,
                result.Lost,
                result.Duplicated,
                never_stored_found = result.NeverStoredFound,
                irc_sent = result.IrcSent,
                irc_stored = result.IrcStored,
                result.Reconnections,
                live_duplicates = result.LiveDuplicates,
                out_of_order = result.OutOfOrder,
                result.Delivered,
                result.Undelivered,
                undelivered_during_redis_faults = result.UndeliveredDuringRedisFaults,
                seq_gaps = result.SeqGaps,
                result.Malformed,
                result.Oversized,
                flooded_frames = result.Flooded,
                mid_frame_cuts = result.MidFrameCuts,
                slow_consumer_drops = result.SlowConsumerDrops,
                late_replies = result.LateReplies,
                error_codes = result.ErrorCodes,
                rss_after_warmup = result.RssAfterWarmup,
                rss_at_end = result.RssAtEnd,
                rss_end_of_traffic = result.RssEndOfTraffic,
                p50_ms = Round(result.Latency.Where(l => l.P50Ms is not null).Select(l => l.P50Ms).DefaultIfEmpty().Max()),
                p99_ms_worst_interval = Round(result.Latency.Where(l => l.P99Ms is not null).Select(l => l.P99Ms).DefaultIfEmpty().Max()),
                log_problems = result.LogProblems.Count,
                violations = result.ViolationCount,
            });
        }
        File.WriteAllText(Path.Combine(directory, "soak.svg"), SoakPlot.Svg(result));
        WriteSummary(result, directory, summary);
    }

    private static void WriteSummary(SoakResult result, string directory, TextWriter summary)
    {
        var s = result.Settings;
        summary.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak {s.Profile}: {(result.Passed ? "PASSED" : "FAILED")} after {result.Seconds:0} s"));
        summary.WriteLine($"  faults: {(result.Faults.Count == 0 ? "none" : string.Join(", ", result.Faults.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Kind}@{f.StartSeconds:0}s (presence {(f.PresenceConvergedSeconds is { } p ? $"{p:0.0} s" : "not converged")})"))))}");
        summary.WriteLine($"  messages: {result.Sent} sent, {result.Acknowledged} acknowledged ({result.StoredUnanswered} found stored after no answer, {result.Resent} sent again), {result.Lost} lost, {result.Duplicated} duplicated; IRC {result.IrcSent} sent, {result.IrcStored} stored");
        summary.WriteLine($"  deliveries: {result.Delivered} checked, {result.Undelivered} missing, {result.UndeliveredDuringRedisFaults} missed during Redis faults, {result.LiveDuplicates} live duplicates, {result.OutOfOrder} out of order; {result.Reconnections} reconnections, {result.SlowConsumerDrops} slow-consumer drops");
        summary.WriteLine($"  misbehaviour: {result.Malformed} malformed frames, {result.Oversized} oversized, {result.Flooded} flooded frames, {result.MidFrameCuts} cuts mid-frame; {result.LateReplies} error replies to requests given up on; error codes {string.Join(", ", result.ErrorCodes.Select(e => $"{e.Key} {e.Value}"))}");
        foreach (var (node, start) in result.RssAfterWarmup)
            summary.WriteLine($"  rss {node}: {SoakRunner.Mib(start)} after warm-up, {SoakRunner.Mib(result.RssEndOfTraffic.GetValueOrDefault(node))} as the traffic stopped, {SoakRunner.Mib(result.RssAtEnd.GetValueOrDefault(node))} at the end (quiet 10 s)");
        summary.WriteLine("  ack latency per interval (p50/p99 ms): " + string.Join(" ", result.Latency.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.P50Ms:0}/{l.P99Ms:0}"))));
        summary.WriteLine($"  server log: {result.LogProblems.Count} error lines");
        foreach (var problem in result.LogProblems.Take(5))
            summary.WriteLine("    " + problem);
        summary.WriteLine($"  violations: {result.ViolationCount}");
        foreach (var violation in result.Violations.Take(30))
            summary.WriteLine("    " + violation);
        summary.WriteLine($"  report: {Path.Combine(directory, "soak.jsonl")}, {Path.Combine(directory, "soak.svg")}");
    }

    private static void Line(StreamWriter writer, object value) => writer.WriteLine(JsonSerializer.Serialize(value, Json));

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;
}
