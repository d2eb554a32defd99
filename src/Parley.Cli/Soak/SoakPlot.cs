using System.Globalization;
using System.Text;

namespace Parley.Cli.Soak;

/// <summary>A small hand-written SVG: each server's RSS (MiB, left axis) and the acknowledgement p99 (ms, right axis) over the run, faults as red marks. No script, nothing fetched.</summary>
public static class SoakPlot
{
    private const double Width = 760, Height = 300, Left = 60, Right = 60, Top = 30, Bottom = 40;
    private static readonly string[] NodeColours = ["#1f77b4", "#2ca02c", "#9467bd"];

    public static string Svg(SoakResult result)
    {
        var seconds = Math.Max(1, result.Seconds);
        var rssMax = Math.Max(1, result.Rss.Select(r => r.Bytes / 1048576.0).DefaultIfEmpty(1).Max() * 1.1);
        var p99 = result.Latency.Where(l => l.P99Ms is not null).ToList();
        var p99Max = Math.Max(1, p99.Select(l => l.P99Ms!.Value).DefaultIfEmpty(1).Max() * 1.1);
        var interval = result.Settings.ReportInterval.TotalSeconds;
        double X(double s) => Left + s / seconds * (Width - Left - Right);
        double YLeft(double v) => Height - Bottom - v / rssMax * (Height - Top - Bottom);
        double YRight(double v) => Height - Bottom - v / p99Max * (Height - Top - Bottom);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{F(Width)}" height="{F(Height)}" viewBox="0 0 {F(Width)} {F(Height)}" font-family="sans-serif" font-size="11">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="100%" height="100%" fill="white"/><text x="{F(Left)}" y="18" font-size="13">parley soak {result.Settings.Profile}: server RSS (MiB, left) and ack p99 per {F(interval)} s (ms, right, orange)</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(Left)}" y1="{F(Height - Bottom)}" x2="{F(Width - Right)}" y2="{F(Height - Bottom)}" stroke="black"/><line x1="{F(Left)}" y1="{F(Top)}" x2="{F(Left)}" y2="{F(Height - Bottom)}" stroke="black"/><line x1="{F(Width - Right)}" y1="{F(Top)}" x2="{F(Width - Right)}" y2="{F(Height - Bottom)}" stroke="black"/>""");
        for (var i = 0; i <= 4; i++)
        {
            var y = Height - Bottom - i / 4.0 * (Height - Top - Bottom);
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{F(Left - 5)}" y="{F(y + 4)}" text-anchor="end">{F(rssMax * i / 4)}</text><text x="{F(Width - Right + 5)}" y="{F(y + 4)}" fill="#ff7f0e">{F(p99Max * i / 4)}</text>""");
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{F(X(seconds * i / 4))}" y="{F(Height - Bottom + 15)}" text-anchor="middle">{F(seconds * i / 4)} s</text>""");
        }
        foreach (var fault in result.Faults)
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(fault.StartSeconds))}" y1="{F(Top)}" x2="{F(X(fault.StartSeconds))}" y2="{F(Height - Bottom)}" stroke="red" stroke-dasharray="3,3"><title>{fault.Kind} {fault.Target}</title></line>""");
        var nodes = result.Rss.Select(r => r.Node).Distinct().ToList();
        for (var n = 0; n < nodes.Count; n++)
        {
            var points = string.Join(' ', result.Rss.Where(r => r.Node == nodes[n]).Select(r => $"{F(X(r.Seconds))},{F(YLeft(r.Bytes / 1048576.0))}"));
            var colour = NodeColours[n % NodeColours.Length];
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/><text x="{F(Left + 5 + n * 80)}" y="{F(Height - 8)}" fill="{colour}">{nodes[n]} RSS</text>""");
        }
        var p99Points = string.Join(' ', p99.Select(l => $"{F(X((l.Interval + 0.5) * interval))},{F(YRight(l.P99Ms!.Value))}"));
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<polyline fill="none" stroke="#ff7f0e" stroke-width="1.5" points="{p99Points}"/><text x="{F(Width - Right - 60)}" y="{F(Height - 8)}" fill="#ff7f0e">ack p99</text>""");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
