using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;
using Parley.Server.Hosting;
using Parley.Server.Transports.Sockets;

namespace Parley.Server.Transports;

/// <summary>
/// IRC over TCP: CRLF lines (LineFramer, which also takes a bare LF). Unlike the native protocol,
/// a line over the limit does not end the connection: it gets 417 and the rest of that line is
/// skipped, as Modern IRC asks.
/// </summary>
public sealed class IrcConnectionHandler(IrcSessionFactory factory) : ILineProtocol<IrcSession>
{
    public string Transport => "irc";

    public Task OnConnectedAsync(TcpConnection connection)
    {
        var session = factory.Create(connection.RemoteEndPoint?.Address);
        return LineConnection.ServeAsync(connection, session, this, factory.Logger);
    }

    public Task EndAsync(IrcSession session) => session.EndAsync();

    public void Write(IrcSession session, byte[] frame, PipeWriter output) => session.WriteTo(frame, output);

    public async Task ReadLinesAsync(IrcSession session, PipeReader input)
    {
        const int maxLine = IrcCodec.MaxWireBytes;
        long searched = 0;
        // Set while the rest of an over-long line is being thrown away.
        var skipping = false;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    if (skipping)
                    {
                        var end = buffer.PositionOf((byte)'\n');
                        buffer = end is { } e ? buffer.Slice(buffer.GetPosition(1, e)) : buffer.Slice(buffer.End);
                        skipping = end is null;
                        searched = 0;
                        if (skipping)
                            break;
                    }
                    var before = buffer.Length;
                    var status = LineFramer.TryReadLine(ref buffer, maxLine, searched, out var line);
                    if (status == FrameStatus.NeedMore)
                    {
                        searched = buffer.Length;
                        break;
                    }
                    searched = 0;
                    if (status == FrameStatus.Line)
                    {
                        await session.HandleLineAsync(line).ConfigureAwait(false);
                        continue;
                    }
                    session.RejectTooLong();
                    // No line end yet: drop what is here and the rest of the line as it comes.
                    skipping = buffer.Length == before;
                }
                if (result.IsCompleted && !skipping && !buffer.IsEmpty && buffer.Length <= maxLine)
                {
                    await session.HandleLineAsync(buffer).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (result.IsCompleted || result.IsCanceled)
                return;
        }
    }
}
