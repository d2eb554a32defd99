using Microsoft.AspNetCore.Connections;
using Parley.Core.Model;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// The admin socket (<see cref="ParleyOptions.AdminSocket"/>): the native protocol's JSON lines,
/// where the connection is the server's operator (<see cref="NativeSession.IsOperator"/>). Who may
/// connect is decided by the socket file's mode (0600: the server's own user), not by a password.
/// </summary>
public sealed class AdminConnectionHandler(NativeSessionFactory factory, TcpJsonConnectionHandler lines) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var transport = new KestrelTransportConnection(connection);
        var session = factory.CreateOperator();
        using var _ = factory.CloseOnShutdown(session);
        LineConnection<NativeSession>.Start(transport, session, lines, factory.Logger);
        await transport.Completed.ConfigureAwait(false);
    }
}
