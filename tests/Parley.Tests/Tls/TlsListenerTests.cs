using System.Diagnostics;
using System.Net.Http;
using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Configuration;
using Parley.Client;
using Parley.Client.Model;
using Parley.Server.Hosting;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>The TLS listeners (tcp+tls, https, irc+tls) with real clients: the client library, raw TLS streams, openssl, and the certificate's reload.</summary>
public sealed class TlsListenerTests
{
    private static int TcpTlsPort(TestServer server) => server.Server.TcpTlsEndpoint!.Port;

    private static Task<ParleyClient> ConnectAsync(TestServer server, string? pin = null, string? caFile = null) =>
        ParleyClient.ConnectAsync(new ParleyClientOptions
        {
            Server = $"127.0.0.1:{TcpTlsPort(server)}",
            Tls = true,
            TlsPin = pin,
            TlsCaFile = caFile,
            AutoReconnect = false,
        });

    private static async Task<T> NextAsync<T>(ParleyClient client, Func<T, bool> match) where T : ClientEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await foreach (var e in client.Events.ReadAllAsync(timeout.Token))
        {
            if (e is T wanted && match(wanted))
                return wanted;
        }
        throw new InvalidOperationException("the client closed");
    }

    [Fact]
    public async Task The_client_library_chats_over_tls_with_a_pinned_fingerprint_or_a_ca_file()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        await using var alice = await ConnectAsync(server, pin: certificate.Pair.Sha256Fingerprint);
        await alice.RegisterAsync("alice", "password1");
        await using var bob = await ConnectAsync(server, caFile: certificate.CertFile);
        await bob.RegisterAsync("bob", "password1");

        await alice.SendAsync(Target.InRoom("lobby"), "over tls");
        var received = await NextAsync<MessageReceived>(bob, m => m.Message.From == "alice");
        Assert.Equal("over tls", received.Message.Text);
    }

    [Fact]
    public async Task The_client_library_refuses_a_server_whose_certificate_it_was_not_told_to_trust()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        var otherPin = TestCertificate.NewPair().Sha256Fingerprint;
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server, pin: otherPin));
        using var other = TestCertificate.Create();
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server, caFile: other.CertFile));
        // Neither: the system's trust store, which knows no self-signed test certificate.
        await Assert.ThrowsAsync<AuthenticationException>(() => ConnectAsync(server));
    }

    [Fact]
    public async Task Raw_tls_streams_speak_the_native_protocol_and_irc()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());

        var (native, shown) = await TestCertificate.ConnectAsync(TcpTlsPort(server));
        await using (native)
        {
            Assert.Equal(certificate.Pair.Sha256Fingerprint, SelfSignedCertificate.Fingerprint(shown));
            Assert.True(native.SslProtocol is SslProtocols.Tls12 or SslProtocols.Tls13);
            await native.WriteAsync("{\"type\":\"register\",\"user\":\"carol\",\"password\":\"password1\",\"id\":1}\n"u8.ToArray());
            using var reader = new StreamReader(native, Encoding.UTF8, leaveOpen: true);
            var reply = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.StartsWith("{\"re\":1,\"type\":\"ok\",\"user\":\"carol\"", reply);
        }

        var (irc, _) = await TestCertificate.ConnectAsync(server.Server.IrcTlsEndpoint!.Port);
        await using (irc)
        {
            await irc.WriteAsync("NICK dave\r\nUSER dave 0 * :dave\r\n"u8.ToArray());
            using var reader = new StreamReader(irc, Encoding.UTF8, leaveOpen: true);
            string? line;
            do
            {
                line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
            while (line is not null && !line.Contains(" 001 "));
            Assert.Equal(":parley 001 dave :Welcome to the Parley IRC Network dave!dave@parley", line);
        }
    }

    [Fact]
    public async Task A_tls_peer_that_hangs_up_is_let_go()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        await using var watcher = await server.RegisterAsync("watcher");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", TcpTlsPort(server));
        var (stream, _) = await TestCertificate.OverAsync(tcp);
        await stream.WriteAsync("{\"type\":\"register\",\"user\":\"leaver\",\"password\":\"password1\",\"id\":1}\n"u8.ToArray());
        await watcher.NextAsync("presence", p => p.GetProperty("user").GetString() == "leaver" && p.GetProperty("online").GetBoolean());
        // No close_notify: the socket just goes.
        tcp.Client.Close();
        await watcher.NextAsync("presence", p => p.GetProperty("user").GetString() == "leaver" && !p.GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task Tls_1_0_and_1_1_are_refused_by_the_server_and_1_2_is_accepted()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        foreach (var port in new[] { TcpTlsPort(server), server.Server.HttpsEndpoint!.Port, server.Server.IrcTlsEndpoint!.Port })
        {
            foreach (var old in new[] { "-tls1", "-tls1_1" })
            {
                var (exit, output) = await OpenSslAsync(port, old);
                Assert.NotEqual(0, exit);
                // The server's own refusal (alert 70), not a client that would not offer the version.
                Assert.Contains("alert protocol version", output);
            }
            var (ok, text) = await OpenSslAsync(port, "-tls1_2");
            Assert.True(ok == 0, text);
            Assert.Contains("Protocol  : TLSv1.2", text);
        }
    }

    /// <summary>openssl s_client with one protocol version, offering even old ones (security level 0).</summary>
    private static async Task<(int Exit, string Output)> OpenSslAsync(int port, string version)
    {
        var start = new ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{port}", version, "-cipher", "DEFAULT@SECLEVEL=0" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_to_new_connections_without_a_restart()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        var first = certificate.Pair.Sha256Fingerprint;
        var (open, shown) = await TestCertificate.ConnectAsync(TcpTlsPort(server));
        Assert.Equal(first, SelfSignedCertificate.Fingerprint(shown));

        certificate.Renew();
        var renewed = certificate.Pair.Sha256Fingerprint;
        Assert.NotEqual(first, renewed);
        foreach (var port in new[] { TcpTlsPort(server), server.Server.HttpsEndpoint!.Port, server.Server.IrcTlsEndpoint!.Port })
        {
            await Until.TrueAsync(async () =>
            {
                var (stream, seen) = await TestCertificate.ConnectAsync(port);
                await stream.DisposeAsync();
                return SelfSignedCertificate.Fingerprint(seen) == renewed;
            }, $"port {port} shows the renewed certificate");
        }

        // The connection made before the renewal still works.
        await open.WriteAsync("{\"type\":\"register\",\"user\":\"early\",\"password\":\"password1\",\"id\":1}\n"u8.ToArray());
        using var reader = new StreamReader(open, Encoding.UTF8);
        Assert.StartsWith("{\"re\":1,\"type\":\"ok\"", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task A_half_written_renewal_keeps_the_old_certificate_until_the_pair_matches()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        var first = certificate.Pair.Sha256Fingerprint;
        var next = TestCertificate.NewPair();
        // The new certificate with the old key: it cannot be loaded.
        await File.WriteAllTextAsync(certificate.CertFile, next.CertificatePem);
        // Two checks' time: the files were looked at, and the old pair is still served.
        await Task.Delay(CertificateFiles.CheckInterval * 2.5);
        var (stream, seen) = await TestCertificate.ConnectAsync(TcpTlsPort(server));
        await stream.DisposeAsync();
        Assert.Equal(first, SelfSignedCertificate.Fingerprint(seen));

        await File.WriteAllTextAsync(certificate.KeyFile, next.KeyPem);
        await Until.TrueAsync(async () =>
        {
            var (again, shown) = await TestCertificate.ConnectAsync(TcpTlsPort(server));
            await again.DisposeAsync();
            return SelfSignedCertificate.Fingerprint(shown) == next.Sha256Fingerprint;
        }, "the completed pair is served");
    }

    [Fact]
    public async Task Https_responses_carry_hsts_and_the_same_csp_as_http()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && SelfSignedCertificate.Fingerprint(c) == certificate.Pair.Sha256Fingerprint };
        using var http = new HttpClient(handler);
        using var secure = await http.GetAsync($"https://127.0.0.1:{server.Server.HttpsEndpoint!.Port}/healthz");
        using var plain = await http.GetAsync($"http://127.0.0.1:{server.Server.HttpEndpoint.Port}/healthz");
        Assert.Equal("{\"status\":\"ok\"}\n", await secure.Content.ReadAsStringAsync());
        Assert.Equal(WebClientHosting.StrictTransportSecurity, Assert.Single(secure.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        var csp = Assert.Single(secure.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(Assert.Single(plain.Headers.GetValues("Content-Security-Policy")).Replace($":{server.Server.HttpEndpoint.Port}", ":PORT"),
            csp.Replace($":{server.Server.HttpsEndpoint!.Port}", ":PORT"));
    }

    [Fact]
    public async Task Plain_listeners_switch_off_and_each_tls_listener_is_announced()
    {
        using var certificate = TestCertificate.Create();
        var data = TempDirectory.Create();
        try
        {
            var settings = TestServer.DefaultSettings(data);
            foreach (var (key, value) in certificate.Settings(plain: false))
                settings[key] = value;
            settings["Irc"] = "";
            var announce = new StringWriter();
            await using var server = await ParleyServer.StartAsync(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), announce);
            Assert.Equal(
            [
                $"listening tcp+tls {server.TcpTlsEndpoint}",
                $"listening https {server.HttpsEndpoint}",
                $"listening irc+tls {server.IrcTlsEndpoint}",
            ], announce.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Throws<InvalidOperationException>(() => server.TcpEndpoint);
            Assert.Throws<InvalidOperationException>(() => server.HttpEndpoint);
            Assert.Null(server.IrcEndpoint);
            Assert.StartsWith("127.0.0.1:", server.TcpTlsEndpoint!.ToString());
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task A_tls_listener_without_a_certificate_stops_the_start_with_a_message()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => TestServer.StartAsync(new() { ["TcpTls"] = "127.0.0.1:0" }));
        Assert.Contains("--tls-cert", error.Message);
        using var certificate = TestCertificate.Create();
        await File.WriteAllTextAsync(certificate.KeyFile, "not a key");
        var unusable = await Assert.ThrowsAsync<InvalidDataException>(() => TestServer.StartAsync(certificate.Settings()));
        Assert.Contains(certificate.CertFile, unusable.Message);
    }
}
