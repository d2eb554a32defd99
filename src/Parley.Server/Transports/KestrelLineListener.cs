using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Runs a line protocol (native JSON lines, IRC) on a Kestrel listener: the TLS listeners, where
/// Kestrel's TLS layer (<c>UseHttps</c>) has already done the handshake and its pipes carry the
/// plaintext. The protocol sees an <see cref="ITransportConnection"/> as from Parley's own listener.
/// </summary>
internal sealed class KestrelLineListener(Action<ITransportConnection> onConnected, IHostApplicationLifetime lifetime)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var transport = new KestrelTransportConnection(connection);
        onConnected(transport);
        // Parley's own listener closes its connections as the server stops; Kestrel's would only be cut at the end.
        using var _ = lifetime.ApplicationStopping.Register(static t => ((KestrelTransportConnection)t!).CloseGracefully(), transport);
        await transport.Completed.ConfigureAwait(false);
    }
}
