using System.Net;
using System.Net.Sockets;

namespace Parley.Peer;

/// <summary>
/// One `parley p2p` session: one UDP socket, one receive loop and one input loop running at the same
/// time, whatever the number of peers. Each typed line is encoded once and the same bytes are sent to
/// every peer; what arrives is decoded, neutralised and printed. Both loops print through
/// <see cref="WriteLine"/>, which serialises whole lines, so output never interleaves mid-line.
/// </summary>
public sealed partial class PeerChat : IDisposable
{
    private readonly Socket _socket;
    private readonly string _name;
    private readonly IReadOnlyList<IPEndPoint> _peers;
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly Lock _outputGate = new();

    private PeerChat(Socket socket, string name, IReadOnlyList<IPEndPoint> peers, TextWriter output, TimeProvider time)
    {
        _socket = socket;
        _name = name;
        _peers = peers;
        _output = output;
        _time = time;
    }

    /// <summary>The address actually bound: with port 0 in <c>--listen</c>, this says which port was picked.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Binds the socket (a <see cref="SocketException"/> says why it could not) and prepares the session.</summary>
    public static PeerChat Bind(IPEndPoint listen, string name, IReadOnlyList<IPEndPoint> peers, TextWriter output, TimeProvider time)
    {
        var socket = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Listening on [::] takes IPv4 peers too.
            if (listen.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.Bind(listen);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new PeerChat(socket, name, peers, output, time);
    }

    /// <summary>
    /// Runs until the input says "bye" or "/quit", ends, or <paramref name="cancellationToken"/> fires
    /// (Ctrl-C); each way, peers are then sent the "left" notice. I/O failures other than those expected
    /// from UDP are thrown.
    /// </summary>
    public async Task RunAsync(TextReader input, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveLoopAsync(stop.Token);
        var typing = InputLoopAsync(input, stop.Token);
        await Task.WhenAny(receiving, typing);
        stop.Cancel();
        try
        {
            await SendAsync(PeerMessage.Left(_name), CancellationToken.None);
        }
        finally
        {
            // Both loops end quietly on cancellation, so this only throws what actually went wrong.
            await Task.WhenAll(receiving, typing);
        }
    }

    private async Task SendAsync(PeerMessage message, CancellationToken cancellationToken)
    {
        if (!PeerCodec.TryEncode(message, out var datagram, out var error))
        {
            WriteLine($"not sent: {error}");
            return;
        }
        foreach (var peer in _peers)
        {
            try
            {
                await _socket.SendToAsync(datagram, SocketFlags.None, peer, cancellationToken);
            }
            catch (SocketException ex)
            {
                // One unreachable peer must not stop the others from getting the line.
                WriteLine($"could not send to {PeerRenderer.Address(peer)}: {ex.Message}");
            }
        }
    }

    private void WriteLine(string line)
    {
        lock (_outputGate)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    public void Dispose() => _socket.Dispose();
}
