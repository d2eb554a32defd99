using System.Diagnostics;

namespace Parley.Cli.Bench;

/// <summary>
/// What a bigroom run measured: the sign-in storm (its rates, overall and by tenths), chat latency
/// during each phase (storm, steady, mass disconnect), and the server's resident memory around the
/// disconnect.
/// </summary>
public sealed record BigRoomResult
{
    /// <summary>Members asked for, and those that signed in (every one, or the run failed).</summary>
    public int Members { get; init; }

    public int SignedIn { get; init; }

    /// <summary>From the first connect to the last member's sign-in reply.</summary>
    public double SignInSeconds { get; init; }

    public double SignInsPerSecond => SignInSeconds > 0 ? SignedIn / SignInSeconds : 0;

    /// <summary>The rate of the first 1,000 sign-ins (null with fewer members): the small room's rate, from the same run.</summary>
    public double? FirstThousandPerSecond { get; init; }

    /// <summary>All sign-ins' rate over the first 1,000's: the "rate of 10,000 ≥ 0.8× the rate of 1,000".</summary>
    public double? RateRatio => FirstThousandPerSecond is > 0 and { } first ? SignInsPerSecond / first : null;

    /// <summary>The sign-in rate within each tenth of the storm, in order.</summary>
    public IReadOnlyList<double> DecilesPerSecond { get; init; } = [];

    /// <summary>One member's sign-in (connect, register or login, join): p50 and p99.</summary>
    public double SignInP50Ms { get; init; }

    public double SignInP99Ms { get; init; }

    /// <summary>Chat during the storm (window = the storm), at steady state, and from the mass disconnect on.</summary>
    public BenchResult Storm { get; init; } = new();

    public BenchResult Steady { get; init; } = new();

    public BenchResult Disconnect { get; init; } = new();

    /// <summary>--restart: the server restarted under everyone between steady chat and the disconnect; null without it.</summary>
    public RestartResult? Restart { get; init; }

    public long Errors => Storm.Errors + Steady.Errors + (Restart?.Chat.Errors ?? 0) + Disconnect.Errors;

    public bool Stopped => Storm.Stopped || Steady.Stopped || (Restart?.Chat.Stopped ?? false) || Disconnect.Stopped;

    /// <summary>Each window's CPU, as a share of one core, of the server and of the generator (null: unknown).</summary>
    public (double Server, double Bench)? StormCpu { get; init; }

    public (double Server, double Bench)? SteadyCpu { get; init; }

    public (double Server, double Bench)? DisconnectCpu { get; init; }

    /// <summary>Members closed at once, and how long closing their sockets took here.</summary>
    public int Closed { get; init; }

    public double CloseSeconds { get; init; }

    /// <summary>Server RSS before the storm, its peak during it, the median over the seconds before the disconnect, and the peak after it.</summary>
    public long? RssBeforeStorm { get; init; }

    public long? RssStormPeak { get; init; }

    public long? RssSteady { get; init; }

    public long? RssDisconnectPeak { get; init; }

    public double? RssPeakRatio => RssSteady is > 0 and { } steady && RssDisconnectPeak is { } peak ? (double)peak / steady : null;

    /// <summary>Seconds from the disconnect until RSS stayed within 10 % of steady; null if it had not by the end.</summary>
    public double? RssRecoverySeconds { get; init; }

    /// <summary>RSS after the disconnect's window, and the series around it (KiB, every <see cref="RssSampleMs"/> from the pre-disconnect stretch on).</summary>
    public long? RssAfter { get; init; }

    public double RssSampleMs { get; init; }

    public IReadOnlyList<long> RssSeriesKib { get; init; } = [];

    /// <summary>Seconds of the series before the disconnect (the series' time zero is that much before it).</summary>
    public double RssSeriesLeadSeconds { get; init; }

    /// <summary>Sign-ins per second overall, of the first 1,000, and per tenth, from the storm's start and each completion's time stamp.</summary>
    public static (double Seconds, double? FirstThousand, double[] Deciles) Rates(long start, long[] completions)
    {
        var n = completions.Length;
        if (n == 0)
            return (0, null, []);
        var at = completions.Select(t => (double)(t - start) / Stopwatch.Frequency).Order().ToArray();
        double? first = n >= 1000 && at[999] > 0 ? 1000 / at[999] : null;
        var deciles = new double[n >= 10 ? 10 : 0];
        for (var k = 0; k < deciles.Length; k++)
        {
            var from = k * n / 10;
            var to = (k + 1) * n / 10;
            var begin = from == 0 ? 0 : at[from - 1];
            var span = at[to - 1] - begin;
            deciles[k] = span > 0 ? (to - from) / span : 0;
        }
        return (at[^1], first, deciles);
    }
}
