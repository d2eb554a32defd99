using System.Net;
using System.Net.Sockets;
using System.Text;
using Parley.Peer;
using Parley.Tests.Support;

namespace Parley.Tests.P2p;

/// <summary>
/// `parley p2p` through its entry point on 127.0.0.1, with fed input and captured output, talking to
/// another running peer or to a raw UdpClient standing in for one (or for a hostile sender).
/// </summary>
public sealed class P2pCommandTests
{
    private const string At = "14:03:12"; // RunningPeer's fake clock

    [Fact]
    public async Task Two_peers_exchange_lines_both_ways_at_the_same_time()
    {
        var bobPort = RunningPeer.FreePort();
        await using var alice = await RunningPeer.StartAsync("--listen", "0", "--peer", $"127.0.0.1:{bobPort}", "--name", "alice");
        await using var bob = await RunningPeer.StartAsync("--listen", $"{bobPort}", "--peer", alice.Address, "--name", "bob");

        const int count = 40;
        // Both type at once, so each sends while the other's lines are arriving.
        await Task.WhenAll(
            Task.Run(() => { for (var i = 0; i < count; i++) alice.Input.Send($"from alice {i}"); }),
            Task.Run(() => { for (var i = 0; i < count; i++) bob.Input.Send($"from bob {i}"); }));

        var aliceExpects = Enumerable.Range(0, count).Select(i => $"{At} bob ({bob.Address}): from bob {i}").ToHashSet();
        var bobExpects = Enumerable.Range(0, count).Select(i => $"{At} alice ({alice.Address}): from alice {i}").ToHashSet();
        await Until.TrueAsync(() => aliceExpects.IsSubsetOf(alice.Output.Lines), $"alice has all of bob's lines; she printed:\n{alice.Output}");
        await Until.TrueAsync(() => bobExpects.IsSubsetOf(bob.Output.Lines), $"bob has all of alice's lines; he printed:\n{bob.Output}");
        Assert.DoesNotContain(alice.Output.Lines, line => line.Contains("from alice"));

        alice.Input.Send("bye");
        Assert.Equal(0, await alice.ExitCodeAsync());
        await bob.WaitForLineAsync($"{At} alice ({alice.Address}) left");

        bob.Input.End();
        Assert.Equal(0, await bob.ExitCodeAsync());
        Assert.Equal("", alice.Error.ToString() + bob.Error);
    }

    [Fact]
    public async Task Reports_oversized_and_malformed_datagrams_and_keeps_working()
    {
        using var raw = RawPeer();
        await using var alice = await RunningPeer.StartAsync("--listen", "0", "--peer", Address(raw), "--name", "alice");
        var to = new IPEndPoint(IPAddress.Loopback, alice.Port);
        var from = Address(raw);

        // Well-formed JSON, but far over the protocol's limit (and near UDP's own maximum of 65,507).
        var oversized = Encoding.UTF8.GetBytes($$"""{"v":1,"kind":"msg","name":"eve","text":"{{new string('x', 65_000)}}"}""");
        await raw.SendAsync(oversized, to);
        var notUtf8 = new byte[] { 0x7B, 0xFF, 0xFE, 0x7D };
        var notJson = "hello?"u8.ToArray();
        var truncated = """{"v":1,"kind":"msg","name":"eve","te"""u8.ToArray();
        var wrongShape = """{"v":1,"kind":"msg","name":"eve"}"""u8.ToArray();
        foreach (var datagram in new[] { oversized, notUtf8, notJson, truncated, wrongShape, [] })
            await raw.SendAsync(datagram, to);

        await alice.WaitForLineAsync($"ignored malformed datagram from {from} ({oversized.Length} bytes): larger than the 8192-byte limit");
        await alice.WaitForLineAsync($"ignored malformed datagram from {from} (4 bytes): not valid UTF-8");
        await alice.WaitForLineAsync($"ignored malformed datagram from {from} (6 bytes): not valid JSON (or cut short)");
        await alice.WaitForLineAsync($"ignored malformed datagram from {from} ({truncated.Length} bytes): not valid JSON (or cut short)");
        await alice.WaitForLineAsync($"ignored malformed datagram from {from} ({wrongShape.Length} bytes): missing \"text\"");
        await alice.WaitForLineAsync($"ignored malformed datagram from {from} (0 bytes): empty datagram");

        // Still receiving, with a hostile peer's escape sequences shown rather than obeyed...
        await raw.SendAsync(Encode(PeerMessage.Say("eve\u001b[8m", "still \u001b[2Jhere")), to);
        await alice.WaitForLineAsync($@"{At} eve\x1b[8m ({from}): still \x1b[2Jhere");

        // ...and still sending.
        alice.Input.Send("are you there?");
        Assert.Equal(PeerMessage.Say("alice", "are you there?"), await ReceiveAsync(raw));
        Assert.Equal("", alice.Error.ToString());
    }

    [Fact]
    public async Task A_typed_line_too_big_for_a_datagram_is_refused_with_a_clear_error_and_not_sent()
    {
        using var raw = RawPeer();
        await using var alice = await RunningPeer.StartAsync("--listen", "0", "--peer", Address(raw), "--name", "alice");
        var size = Encode(PeerMessage.Say("alice", "")).Length + 9000;

        alice.Input.Send(new string('x', 9000));
        alice.Input.Send("short");

        await alice.WaitForLineAsync($"not sent: too large: {size} bytes as a datagram, the limit is 8192");
        // Datagrams between two loopback sockets arrive in order: the first one is the short line.
        Assert.Equal(PeerMessage.Say("alice", "short"), await ReceiveAsync(raw));
    }

    [Fact]
    public async Task Sends_each_line_to_every_peer_and_tells_them_all_when_input_ends()
    {
        using var first = RawPeer();
        using var second = RawPeer();
        var alice = await RunningPeer.RunToEndAsync(
            ["--listen", "0", "--peer", Address(first), "--peer", $"localhost:{((IPEndPoint)second.Client.LocalEndPoint!).Port}", "--name", "alice"],
            "hello all");

        Assert.Equal(0, await alice.Exit);
        foreach (var raw in new[] { first, second })
        {
            Assert.Equal(PeerMessage.Say("alice", "hello all"), await ReceiveAsync(raw));
            Assert.Equal(PeerMessage.Left("alice"), await ReceiveAsync(raw));
        }
    }

    [Fact]
    public async Task Handles_blank_lines_commands_and_the_slash_escape_then_bye_ends_it()
    {
        using var raw = RawPeer();
        var alice = await RunningPeer.RunToEndAsync(
            ["--listen", "0", "--peer", Address(raw), "--name", "alice"],
            "", "   ", "/nick bob", "//shrug", "  spaced out  ", "BYE", "never sent");

        Assert.Equal(0, await alice.Exit);
        Assert.Contains("unknown command /nick: bye or /quit leaves; start a line with // to send it with a leading /", alice.Output.Lines);
        Assert.Equal(PeerMessage.Say("alice", "/shrug"), await ReceiveAsync(raw));
        Assert.Equal(PeerMessage.Say("alice", "spaced out"), await ReceiveAsync(raw));
        Assert.Equal(PeerMessage.Left("alice"), await ReceiveAsync(raw));
        Assert.Equal(0, raw.Available);
    }

    [Fact]
    public async Task Ctrl_c_leaves_politely()
    {
        using var raw = RawPeer();
        await using var alice = await RunningPeer.StartAsync("--listen", "0", "--peer", Address(raw), "--name", "alice");

        alice.Interrupt();

        Assert.Equal(0, await alice.ExitCodeAsync());
        Assert.Equal(PeerMessage.Left("alice"), await ReceiveAsync(raw));
    }

    [Fact]
    public async Task The_name_defaults_to_the_user_name()
    {
        using var raw = RawPeer();
        var alice = await RunningPeer.RunToEndAsync(["--listen", "0", "--peer", Address(raw)], "hi");

        Assert.Equal(0, await alice.Exit);
        Assert.Equal(PeerMessage.Say(Environment.UserName, "hi"), await ReceiveAsync(raw));
    }

    [Fact]
    public async Task Refuses_to_start_on_a_port_in_use_with_a_clear_message()
    {
        using var taken = RawPeer();
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;

        var alice = await RunningPeer.RunToEndAsync(["--listen", $"{port}", "--peer", "127.0.0.1:9"]);

        Assert.Equal(1, await alice.Exit);
        Assert.StartsWith($"parley p2p: cannot listen on 127.0.0.1:{port}: ", alice.Error.ToString());
        Assert.Equal("", alice.Output.ToString());
    }

    [Theory]
    [InlineData(new[] { "--listen", "nonsense", "--peer", "127.0.0.1:9" }, "parley p2p: --listen: 'nonsense' is not PORT or ADDR:PORT")]
    [InlineData(new[] { "--listen", "0", "--peer", "nonsense" }, "parley p2p: --peer: 'nonsense' is not HOST:PORT")]
    [InlineData(new[] { "--listen", "0", "--peer", "192.0.2.7:5001" }, "parley p2p: --peer: 192.0.2.7:5001 is not on this machine")]
    [InlineData(new[] { "--listen", "0", "--peer", "127.0.0.1:9", "--name", "eve\u001b[2J" }, "parley p2p: --name: the name contains control characters")]
    [InlineData(new[] { "--listen", "0", "--peer", "127.0.0.1:9", "--name", " " }, "parley p2p: --name: the name is empty")]
    [InlineData(new[] { "--listen", "0" }, "parley p2p: Option '--peer' is required.")]
    public async Task Refuses_bad_arguments_with_a_clear_message(string[] args, string message)
    {
        var alice = await RunningPeer.RunToEndAsync(args);

        Assert.Equal(1, await alice.Exit);
        Assert.StartsWith(message, alice.Error.ToString());
    }

    private static UdpClient RawPeer() => new(new IPEndPoint(IPAddress.Loopback, 0));

    private static string Address(UdpClient client) => client.Client.LocalEndPoint!.ToString()!;

    private static byte[] Encode(PeerMessage message)
    {
        Assert.True(PeerCodec.TryEncode(message, out var datagram, out var error), error);
        return datagram;
    }

    private static async Task<PeerMessage> ReceiveAsync(UdpClient client)
    {
        using var timeout = new CancellationTokenSource(Until.DefaultTimeout);
        var received = await client.ReceiveAsync(timeout.Token);
        Assert.True(PeerCodec.TryDecode(received.Buffer, out var message, out var error), error);
        return message;
    }
}
