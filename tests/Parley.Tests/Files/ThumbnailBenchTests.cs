using System.Text.Json;
using Parley.Cli.Commands;
using Parley.Server.Files;

namespace Parley.Tests.Files;

/// <summary>`parley bench thumbnail` on a small photo: it runs, and its JSON line has every figure. No timing is asserted.</summary>
public sealed class ThumbnailBenchTests
{
    [Fact]
    public void The_bench_reports_every_step_of_both_cases()
    {
        using var output = new StringWriter();
        var settings = new ThumbnailBenchCommand.Settings(400, 300, Runs: 3, Warmup: 1, SourceQuality: 92, new ImageLimits { ThumbSize = 100 }, JsonOnly: false);

        Assert.Equal(0, ThumbnailBenchCommand.Run(settings, output));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("exif orientation 6", StringComparison.Ordinal) && l.Contains("output 300×400"));
        using var json = JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        Assert.Equal("thumbnail", root.GetProperty("workload").GetString());
        Assert.True(root.GetProperty("thumbnail_p99_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("total_p99_ms").GetDouble() > 0);
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(["upright", "exif orientation 6"], cases.Select(c => c.GetProperty("case").GetString()));
        Assert.Equal((400, 300), (cases[0].GetProperty("output_width").GetInt32(), cases[0].GetProperty("output_height").GetInt32()));
        Assert.Equal((75, 100), (cases[1].GetProperty("thumb_width").GetInt32(), cases[1].GetProperty("thumb_height").GetInt32()));
        foreach (var step in new[] { "header", "thumbnail", "decode", "encode", "total" })
            Assert.True(cases[1].GetProperty(step).GetProperty("p50_ms").GetDouble() > 0, step);
        Assert.True(cases[0].GetProperty("output_bytes").GetInt64() > 0);
    }
}
