using System.Text.Json;
using Parley.Cli.Commands;
using Parley.Cli.Soak;
using Parley.Tests.Support;

namespace Parley.Tests.Soak;

/// <summary>
/// `parley soak --profile short` as CI runs it once per pass: about 30 clients over TCP, WebSocket
/// and IRC against a real `parley serve` process (SQLite) that is killed with SIGKILL and started
/// again (twice, on schedule), with clients cutting their connections mid-frame, misbehaving and flooding; every
/// invariant must hold and the report must be written. About 90 s; no timing is asserted beyond
/// the documented presence bound the harness checks itself.
/// </summary>
public sealed class SoakShortProfileTests
{
    [Fact]
    public async Task Short_profile_keeps_every_invariant_through_kills_of_the_server()
    {
        var output = TempDirectory.Create();
        try
        {
            var settings = SoakSettings.Short(cluster: false) with { OutDirectory = output };
            var log = new StringWriter();
            var code = await SoakCommand.RunAsync(settings, log, log, CancellationToken.None);

            Assert.True(code == 0, log.ToString());
            var lines = File.ReadAllLines(Path.Combine(output, "soak.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var summary = lines.Single(l => l.GetProperty("type").GetString() == "summary");
            Assert.True(summary.GetProperty("passed").GetBoolean(), log.ToString());
            // Two are scheduled (at 25 and 50 s of a 60-s chaos phase); each is followed by a presence check.
            var kills = summary.GetProperty("faults").GetProperty("kill_server").GetInt32();
            Assert.True(kills == 2, log.ToString());
            Assert.True(kills == lines.Count(l => l.GetProperty("type").GetString() == "fault"), log.ToString());
            Assert.True(lines.Where(l => l.GetProperty("type").GetString() == "fault").All(l => l.GetProperty("presence_converged_s").ValueKind == JsonValueKind.Number), log.ToString());
            // The run did what it claims, so that a pass means something.
            Assert.True(summary.GetProperty("acknowledged").GetInt64() > 500, log.ToString());
            Assert.True(summary.GetProperty("delivered").GetInt64() > 1000, log.ToString());
            Assert.True(summary.GetProperty("reconnections").GetInt64() > summary.GetProperty("clients").GetProperty("tcp").GetInt64(), log.ToString());
            Assert.True(summary.GetProperty("mid_frame_cuts").GetInt64() > 0, log.ToString());
            Assert.True(summary.GetProperty("flooded_frames").GetInt64() > 0, log.ToString());
            Assert.True(summary.GetProperty("malformed").GetInt64() + summary.GetProperty("oversized").GetInt64() > 0, log.ToString());
            Assert.True(summary.GetProperty("irc_stored").GetInt64() > 0, log.ToString());
            Assert.True(summary.GetProperty("lost").GetInt64() == 0, log.ToString());
            Assert.True(summary.GetProperty("duplicated").GetInt64() == 0, log.ToString());
            Assert.True(summary.GetProperty("undelivered").GetInt64() == 0, log.ToString());
            Assert.Contains(lines, l => l.GetProperty("type").GetString() == "rss");
            Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(output, "soak.svg")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(output, "server.log")));
        }
        finally
        {
            TempDirectory.Delete(output);
        }
    }
}
