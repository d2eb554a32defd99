using System.Net;
using Parley.Peer;

namespace Parley.Tests.P2p;

public sealed class PeerEndpointsTests
{
    [Theory]
    [InlineData("5000", "127.0.0.1:5000")]
    [InlineData("0", "127.0.0.1:0")]
    [InlineData("127.0.0.1:5000", "127.0.0.1:5000")]
    [InlineData("localhost:5000", "127.0.0.1:5000")]
    [InlineData("0.0.0.0:5000", "0.0.0.0:5000")]
    [InlineData("[::1]:5000", "[::1]:5000")]
    [InlineData("[::]:0", "[::]:0")]
    public void Reads_a_listen_address(string value, string expected)
    {
        Assert.True(PeerEndpoints.TryParseListen(value, out var endpoint, out var error), error);
        Assert.Equal(expected, endpoint.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:+5")]
    [InlineData("example.com:5000")]
    [InlineData("::1:5000")]
    public void Refuses_a_bad_listen_address(string value)
    {
        Assert.False(PeerEndpoints.TryParseListen(value, out _, out var error));
        Assert.StartsWith($"--listen: '{value}' is not PORT or ADDR:PORT", error);
    }

    [Theory]
    [InlineData("127.0.0.1:5001", "127.0.0.1", 5001)]
    [InlineData("localhost:5001", "localhost", 5001)]
    [InlineData("classroom-pc.local:65535", "classroom-pc.local", 65535)]
    [InlineData("[::1]:5001", "::1", 5001)]
    public void Reads_a_peer_address(string value, string host, int port)
    {
        Assert.True(PeerEndpoints.TryParsePeer(value, out var peer, out var error), error);
        Assert.Equal(host, peer.Host);
        Assert.Equal(port, peer.Port);
    }

    [Theory]
    [InlineData("5001")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData(":5001")]
    [InlineData("::1:5001")]
    public void Refuses_a_bad_peer_address(string value)
    {
        Assert.False(PeerEndpoints.TryParsePeer(value, out _, out var error));
        Assert.StartsWith($"--peer: '{value}' is not HOST:PORT", error);
    }

    [Fact]
    public async Task Resolves_localhost_to_the_listen_address_family()
    {
        Assert.True(PeerEndpoints.TryParsePeer("localhost:5001", out var peer, out _));
        var (endpoint, error) = await PeerEndpoints.ResolveAsync(peer, new IPEndPoint(IPAddress.Loopback, 0), CancellationToken.None);
        Assert.Null(error);
        Assert.Equal("127.0.0.1:5001", endpoint!.ToString());
    }

    [Fact]
    public async Task Refuses_a_peer_off_this_machine_when_listening_on_loopback()
    {
        Assert.True(PeerEndpoints.TryParsePeer("192.0.2.7:5001", out var peer, out _));
        var (endpoint, error) = await PeerEndpoints.ResolveAsync(peer, new IPEndPoint(IPAddress.Loopback, 5000), CancellationToken.None);
        Assert.Null(endpoint);
        Assert.Equal("--peer: 192.0.2.7:5001 is not on this machine, but --listen 127.0.0.1:5000 accepts only local peers; listen on 0.0.0.0:5000 (or this machine's address) to chat across the network", error);

        (endpoint, error) = await PeerEndpoints.ResolveAsync(peer, new IPEndPoint(IPAddress.Any, 5000), CancellationToken.None);
        Assert.Null(error);
        Assert.Equal("192.0.2.7:5001", endpoint!.ToString());
    }

    [Fact]
    public async Task Refuses_a_peer_of_the_other_address_family()
    {
        Assert.True(PeerEndpoints.TryParsePeer("[::1]:5001", out var peer, out _));
        var (endpoint, error) = await PeerEndpoints.ResolveAsync(peer, new IPEndPoint(IPAddress.Loopback, 5000), CancellationToken.None);
        Assert.Null(endpoint);
        Assert.Equal("--peer: [::1]:5001 has no IPv4 address, and --listen 127.0.0.1:5000 speaks only IPv4", error);
    }
}
