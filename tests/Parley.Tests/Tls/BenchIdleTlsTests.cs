using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Cli.Bench;
using Parley.Tests.Bench;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>`parley bench idle --tls`: signed-in connections over the tcp+tls listener, and the server's memory for them.</summary>
public sealed partial class BenchIdleTlsTests
{
    [Fact]
    public async Task Idle_over_tls_signs_in_every_connection_and_reports_the_server_memory()
    {
        using var certificate = TestCertificate.Create();
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data,
                "--tls-cert", certificate.CertFile, "--tls-key", certificate.KeyFile, "--tcp-tls", "127.0.0.1:0");
            var port = 0;
            await Until.TrueAsync(() => server.StandardOutput.Select(l => TcpTlsLine().Match(l)).FirstOrDefault(m => m.Success) is { } m
                && (port = int.Parse(m.Groups[1].Value)) > 0, "the tcp+tls listener is announced");
            var settings = ShortBenchRun.Settings("idle", BenchProto.Native, port) with { Tls = true, ServerPid = server.Pid };
            var result = await ShortBenchRun.RunAsync(settings);
            Assert.Equal(20, result.GetProperty("connections").GetInt32());
            Assert.True(result.GetProperty("tls").GetBoolean());
            Assert.Equal(JsonValueKind.Number, result.GetProperty("bytes_per_connection").ValueKind);
            // The accounts the TLS connections registered are the server's.
            await using var probe = await server.ConnectAsync();
            await probe.OkAsync("login", new { user = "bench0", password = settings.Password });
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [GeneratedRegex(@"^listening tcp\+tls 127\.0\.0\.1:(\d+)$")]
    private static partial Regex TcpTlsLine();
}
