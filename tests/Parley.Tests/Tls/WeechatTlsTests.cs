using System.Diagnostics;
using Parley.Tests.Support;

namespace Parley.Tests.Tls;

/// <summary>A packaged IRC client, WeeChat, on the irc+tls listener, checking the server's certificate against the test certificate as its CA.</summary>
public sealed class WeechatTlsTests
{
    [Fact]
    public async Task Weechat_signs_in_over_tls_verifying_the_certificate_and_talks_with_a_native_client()
    {
        using var certificate = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        await using var bob = await server.RegisterAsync("bob");
        await using (await server.RegisterAsync("alice"))
        {
        }
        // WeeChat 4 renamed its "ssl" server options "tls"; Debian 12 ships 3.8.
        var tls = WeechatMajorVersion() >= 4 ? "tls" : "ssl";
        await using var weechat = WeechatClient.Start(
            $"/set weechat.network.gnutls_ca_user {certificate.CertFile};" +
            $"/server add parley 127.0.0.1/{server.Server.IrcTlsEndpoint!.Port} -{tls} -{tls}_verify=on -nicks=alice -username=alice " +
            "-sasl_mechanism=plain -sasl_username=alice -sasl_password=password1 -autojoin=#lobby;/connect parley");

        await weechat.LoggedAsync("irc.server.parley", "SASL authentication successful");
        await weechat.LoggedAsync("irc.parley.#lobby", "alice (alice@parley) has joined #lobby");
        await bob.OkAsync("send", new { room = "lobby", text = "hello over tls" });
        await weechat.LoggedAsync("irc.parley.#lobby", "bob\thello over tls");
        await weechat.TypeAsync("irc.parley.#lobby", "and back over tls");
        var message = await bob.NextAsync("message", m => m.GetProperty("from").GetString() == "alice");
        Assert.Equal("and back over tls", message.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Weechat_refuses_the_server_when_it_does_not_trust_the_certificate()
    {
        using var certificate = TestCertificate.Create();
        using var other = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(certificate.Settings());
        var tls = WeechatMajorVersion() >= 4 ? "tls" : "ssl";
        await using var weechat = WeechatClient.Start(
            $"/set weechat.network.gnutls_ca_user {other.CertFile};" +
            $"/server add parley 127.0.0.1/{server.Server.IrcTlsEndpoint!.Port} -{tls} -{tls}_verify=on -nicks=mallory -username=mallory " +
            "-autoreconnect=off;/connect parley");
        await weechat.LoggedAsync("irc.server.parley", "certificate is NOT trusted");
        Assert.DoesNotContain(weechat.Log("irc.server.parley"), l => l.Contains("Welcome to the Parley IRC Network"));
    }

    private static int WeechatMajorVersion()
    {
        var start = new ProcessStartInfo("weechat-headless", "--version") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var version = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return int.Parse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
