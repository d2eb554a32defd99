using System.Globalization;

namespace Parley.Tests.Support;

/// <summary>A Prometheus text exposition, parsed: each sample's name with its labels (as written) → value.</summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, double> _samples = new(StringComparer.Ordinal);

    public PrometheusText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var space = line.LastIndexOf(' ');
            if (space <= 0)
                throw new FormatException($"not a sample line: {line}");
            _samples[line[..space]] = double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    public string Text { get; }

    /// <summary>The sample's value, or null when there is none (<c>parley_connections{transport="tcp"}</c>).</summary>
    public double? this[string sample] => _samples.TryGetValue(sample, out var value) ? value : null;

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, Uri uri)
    {
        using var response = await http.GetAsync(uri);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }
}
