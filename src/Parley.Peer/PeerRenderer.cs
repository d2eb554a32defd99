using System.Globalization;
using System.Net;

namespace Parley.Peer;

/// <summary>
/// The lines `parley p2p` prints for what it receives. Pure: the caller gives the local time. Everything a
/// peer chose (name, text, and any part of a datagram quoted in an error) goes through
/// <see cref="TerminalText.Neutralise"/>; the address is the one the datagram really came from.
/// </summary>
public static class PeerRenderer
{
    /// <summary><c>14:03:12 alice (127.0.0.1:5001): hello</c>, or <c>14:03:12 alice (127.0.0.1:5001) left</c>.</summary>
    public static string Message(DateTimeOffset localTime, PeerMessage message, IPEndPoint from)
    {
        var time = localTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        var name = TerminalText.Neutralise(message.Name);
        return message.Kind == PeerMessageKind.Left
            ? $"{time} {name} ({Address(from)}) left"
            : $"{time} {name} ({Address(from)}): {TerminalText.Neutralise(message.Text)}";
    }

    /// <summary><c>ignored malformed datagram from 127.0.0.1:5002 (37 bytes): not valid UTF-8</c>.</summary>
    public static string Malformed(IPEndPoint from, int length, string error) =>
        $"ignored malformed datagram from {Address(from)} ({length} bytes): {TerminalText.Neutralise(error)}";

    /// <summary>ADDR:PORT as a user writes it; an IPv4 sender seen through a dual-mode socket is shown as IPv4.</summary>
    public static string Address(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port).ToString() : endpoint.ToString();
}
