using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Parley.Cli.Bench;

/// <summary>fanout --uploads: the uploads' lines of the summary and their part of the JSON line.</summary>
public static partial class BenchReport
{
    private static void UploadSummary(StringBuilder text, UploadResult u)
    {
        var inv = CultureInfo.InvariantCulture;
        var kind = u.Kind == UploadKind.Photo ? "photo" : "file";
        text.AppendLine(inv, $"  uploads          {u.Concurrency} in flight{(u.RateLimit > 0 ? $" at {u.RateLimit / 1048576:0.#} MiB/s together" : "")}, {kind}s of {Mib(u.BytesEach)} ({u.StoredType ?? "?"} as stored{(u.StoredBytes is { } stored && stored != u.BytesEach ? ", " + Mib(stored) : "")}): " +
            $"{u.Completed} done, {u.Refused} refused, {u.Failed} failed of {u.Started} started; {u.MibPerSecond:0.0} MiB/s over {u.Seconds:0.0} s");
        if (u.Refused > 0)
            text.AppendLine(inv, $"  refused          {string.Join(", ", u.RefusedByCode.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))}");
        if (u.FirstFailure is { } failure)
            text.AppendLine(inv, $"  first failure    {failure}");
        text.AppendLine(inv, $"  upload ms        p50 {u.P50Ms:0}  p99 {u.P99Ms:0}  max {u.MaxMs:0} (one upload, request to answer)");
        if (u.RssBefore is { } before && u.RssPeak is { } peak)
        {
            text.AppendLine(inv, $"  server memory    {Mib(before)} before the uploads, peak {Mib(peak)} (+{Mib(peak - before)}), {Mib(u.RssEnd ?? 0)} at the last answer, {Mib(u.RssAfter ?? 0)} {u.SettleSeconds:0.#} s later");
        }
        else
        {
            text.AppendLine("  server memory    unknown (no --server-pid and no local listener found)");
        }
        if (u.Cpu is { } cpu)
            text.AppendLine(inv, $"  upload cpu       server {cpu.Server.ToString("P0", inv)}, bench {cpu.Bench.ToString("P0", inv)} (of one core, while uploads ran)");
    }

    private static void UploadParams(Utf8JsonWriter json, BenchSettings s)
    {
        if (s.Uploads == 0)
            return;
        json.WriteNumber("uploads", s.Uploads);
        json.WriteString("upload_kind", s.UploadKind == UploadKind.Photo ? "photo" : "file");
        if (s.UploadKind == UploadKind.Photo)
        {
            json.WriteNumber("photo_width", s.PhotoWidth);
            json.WriteNumber("photo_height", s.PhotoHeight);
            json.WriteNumber("photo_orientation", s.PhotoOrientation);
        }
        else
        {
            json.WriteNumber("upload_bytes", s.UploadBytes);
        }
        json.WriteNumber("upload_rate_mib_s", Round(s.UploadRate / 1048576));
        json.WriteNumber("upload_port", s.UploadPort);
        json.WriteNumber("settle_s", s.Settle.TotalSeconds);
    }

    private static void UploadFigures(Utf8JsonWriter json, UploadResult u)
    {
        json.WriteStartObject("uploads");
        json.WriteNumber("concurrency", u.Concurrency);
        json.WriteNumber("bytes_each", u.BytesEach);
        json.WriteNumber("started", u.Started);
        json.WriteNumber("completed", u.Completed);
        json.WriteNumber("refused", u.Refused);
        json.WriteStartObject("refused_by_code");
        foreach (var (code, count) in u.RefusedByCode.OrderBy(p => p.Key, StringComparer.Ordinal))
            json.WriteNumber(code, count);
        json.WriteEndObject();
        json.WriteNumber("failed", u.Failed);
        WriteNullable(json, "first_failure", u.FirstFailure);
        WriteNullable(json, "stored_type", u.StoredType);
        WriteNullable(json, "stored_bytes", u.StoredBytes);
        json.WriteNumber("bytes", u.Bytes);
        json.WriteNumber("seconds", Round(u.Seconds));
        json.WriteNumber("mib_per_s", Round(u.MibPerSecond));
        json.WriteNumber("p50_ms", Round(u.P50Ms));
        json.WriteNumber("p99_ms", Round(u.P99Ms));
        json.WriteNumber("max_ms", Round(u.MaxMs));
        WriteNullable(json, "server_cpu", u.Cpu is { } cpu ? Round(cpu.Server) : null);
        WriteNullable(json, "bench_cpu", u.Cpu is { } cpu2 ? Round(cpu2.Bench) : null);
        json.WriteStartObject("rss");
        WriteNullable(json, "before_bytes", u.RssBefore);
        WriteNullable(json, "peak_bytes", u.RssPeak);
        WriteNullable(json, "growth_bytes", u.RssGrowth);
        WriteNullable(json, "end_bytes", u.RssEnd);
        WriteNullable(json, "after_bytes", u.RssAfter);
        json.WriteNumber("sample_ms", u.SeriesStepMs);
        json.WriteStartArray("series_kib");
        foreach (var kib in u.SeriesKib)
            json.WriteNumberValue(kib);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
