using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Runs a line protocol (native JSON lines, IRC) on a Kestrel listener: the TLS listeners, where
/// Kestrel's TLS layer (<c>UseHttps</c>) has already done the handshake and its pipes carry the
/// plaintext. The protocol sees an <see cref="ITransportConnection"/> as from Parley's own listener.
/// </summary>
/// <param name="transport">The listener's name in <c>parley_connections</c> (<c>tcp+tls</c>, <c>irc+tls</c>).</param>
internal sealed class KestrelLineListener(string transport, Action<ITransportConnection> onConnected, IHostApplicationLifetime lifetime)
{
    private long _open;

    public string Transport => transport;

    /// <summary>Connections open now, their handshake done (/metrics).</summary>
    public long OpenCount => Interlocked.Read(ref _open);

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var transport = new KestrelTransportConnection(connection, Transport);
        Interlocked.Increment(ref _open);
        try
        {
            onConnected(transport);
            // Parley's own listener closes its connections as the server stops; Kestrel's would only be cut at the end.
            using var _ = lifetime.ApplicationStopping.Register(static t => ((KestrelTransportConnection)t!).CloseGracefully(), transport);
            await transport.Completed.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
