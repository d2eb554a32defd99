namespace Parley.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that keeps every report as it is made, on the reporting thread, in order.</summary>
public sealed class RecordingProgress : IProgress<long>
{
    private readonly List<long> _reports = [];

    public void Report(long value)
    {
        lock (_reports)
            _reports.Add(value);
    }

    public IReadOnlyList<long> Reports
    {
        get
        {
            lock (_reports)
                return [.. _reports];
        }
    }

    /// <summary>Reports came, each higher than the one before, the last <paramref name="total"/>.</summary>
    public void AssertRoseTo(long total, int atLeast = 2)
    {
        var reports = Reports;
        Assert.True(reports.Count >= atLeast, $"expected at least {atLeast} progress reports, got {reports.Count}");
        for (var i = 1; i < reports.Count; i++)
            Assert.True(reports[i] > reports[i - 1], $"progress went from {reports[i - 1]} to {reports[i]}: {string.Join(", ", reports)}");
        Assert.Equal(total, reports[^1]);
    }
}
