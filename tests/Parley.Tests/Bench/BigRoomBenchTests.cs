using System.Diagnostics;
using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Tests.Support;

namespace Parley.Tests.Bench;

/// <summary>
/// `parley bench bigroom` against a server of its own process (its memory is the server's own):
/// every member signs in and stays, chat reaches everyone, the memory figures are there. And the
/// arithmetic of its figures on made-up series. No timing is asserted.
/// </summary>
public sealed class BigRoomBenchTests
{
    [Fact]
    public async Task Bigroom_signs_everyone_in_delivers_to_everyone_and_reads_the_server_memory()
    {
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data);
            var settings = ShortBenchRun.Settings("bigroom", BenchProto.Native, server.TcpPort) with
            {
                Members = 50,
                Senders = 2,
                Receivers = 5,
                Rate = 20,
                Room = "lobby",
                Settle = TimeSpan.FromSeconds(1),
            };
            var result = await ShortBenchRun.RunAsync(settings);

            var signIn = result.GetProperty("signin");
            Assert.Equal(50, signIn.GetProperty("members").GetInt32());
            Assert.Equal(50, signIn.GetProperty("signed_in").GetInt32());
            Assert.True(signIn.GetProperty("per_s").GetDouble() > 0, signIn.ToString());
            Assert.Equal(10, signIn.GetProperty("deciles_per_s").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, signIn.GetProperty("first_1000_per_s").ValueKind);

            // Steady: all 50 members and the 5 observers receive every message.
            var steady = result.GetProperty("steady");
            Assert.True(steady.GetProperty("sent").GetInt64() > 0, steady.ToString());
            Assert.Equal(steady.GetProperty("sent").GetInt64() * 55, steady.GetProperty("expected").GetInt64());
            Assert.Equal(0, steady.GetProperty("lost").GetInt64());
            Assert.True(steady.GetProperty("p99_ms").GetDouble() > 0, steady.ToString());
            Assert.Equal(JsonValueKind.Number, steady.GetProperty("server_cpu").ValueKind);

            // After the disconnect only the observers are counted, and they still get everything.
            var disconnect = result.GetProperty("disconnect");
            Assert.True(disconnect.GetProperty("sent").GetInt64() > 0, disconnect.ToString());
            Assert.Equal(disconnect.GetProperty("sent").GetInt64() * 5, disconnect.GetProperty("expected").GetInt64());
            Assert.Equal(0, disconnect.GetProperty("lost").GetInt64());
            Assert.Equal(0, result.GetProperty("storm").GetProperty("lost").GetInt64());

            var rss = result.GetProperty("rss");
            foreach (var field in new[] { "before_storm_bytes", "storm_peak_bytes", "steady_bytes", "disconnect_peak_bytes", "after_bytes" })
                Assert.True(rss.GetProperty(field).GetInt64() > 0, $"{field}: {rss}");
            Assert.True(rss.GetProperty("peak_ratio").GetDouble() > 0, rss.ToString());
            Assert.Equal(50, rss.GetProperty("closed").GetInt32());
            Assert.True(rss.GetProperty("series_kib").GetArrayLength() > 10, rss.ToString());
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public void Sign_in_rates_come_from_completion_times_overall_for_the_first_thousand_and_by_tenths()
    {
        // 2,000 sign-ins: the first 1,000 at 1,000/s, the second at 500/s.
        var f = Stopwatch.Frequency;
        var completions = Enumerable.Range(1, 2000).Select(k => k <= 1000 ? k * f / 1000 : f + (k - 1000) * f / 500).Reverse().ToArray();
        var (seconds, first, deciles) = BigRoomResult.Rates(0, completions);
        Assert.Equal(3.0, seconds, 3);
        Assert.Equal(1000, first!.Value, 0);
        Assert.Equal(10, deciles.Length);
        Assert.Equal(1000, deciles[0], 0);
        Assert.Equal(500, deciles[9], 0);
        var big = new BigRoomResult { SignedIn = 2000, SignInSeconds = seconds, FirstThousandPerSecond = first };
        Assert.Equal(2000 / 3.0 / 1000, big.RateRatio!.Value, 3);
    }

    [Fact]
    public void Memory_recovery_is_the_first_sample_after_the_last_one_above_the_bound()
    {
        var f = Stopwatch.Frequency;
        (long, long) At(double s, long mb) => ((long)(s * f), mb << 20);
        IReadOnlyList<(long, long)> series = [At(0.1, 100), At(0.2, 300), At(0.3, 200), At(0.4, 105), At(0.5, 120), At(0.6, 100), At(0.7, 101)];
        Assert.Equal(0.6, ProcessSampler.SecondsUntilWithin(series, 0, 110L << 20)!.Value, 3);
        Assert.Equal(0, ProcessSampler.SecondsUntilWithin(series, 0, 400L << 20));
        Assert.Null(ProcessSampler.SecondsUntilWithin([.. series, At(0.8, 150)], 0, 110L << 20));
        Assert.Equal(300L << 20, ProcessSampler.Peak(series));
        Assert.Equal(105L << 20, ProcessSampler.Median(series));
    }
}
