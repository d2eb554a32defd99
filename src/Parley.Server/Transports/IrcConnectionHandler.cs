using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol.Irc;
using Parley.Protocol.Json;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// IRC over TCP: CRLF lines (LineFramer, which also takes a bare LF). Unlike the native protocol,
/// a line over the limit does not end the connection: it gets 417 and the rest of that line is
/// skipped, as Modern IRC asks.
/// </summary>
public sealed class IrcConnectionHandler(IrcSessionFactory factory) : ILineProtocol<IrcSession>
{
    public string Transport => "irc";

    public void OnConnected(ITransportConnection connection) =>
        LineConnection<IrcSession>.Start(connection, factory.Create(connection.RemoteEndPoint?.Address, connection.Admission), this, factory.Logger);

    public Task EndAsync(IrcSession session) => session.EndAsync();

    public void Write(IrcSession session, byte[] frame, PipeWriter output) => session.WriteTo(frame, output);

    async ValueTask<bool> ILineProtocol<IrcSession>.ReadAvailableAsync(IrcSession session, ILineCursor connection)
    {
        const int maxLine = IrcCodec.MaxWireBytes;
        var input = connection.Input;
        while (input.TryRead(out var result))
        {
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    // Skipping: the rest of an over-long line is being thrown away.
                    if (connection.Skipping)
                    {
                        var end = buffer.PositionOf((byte)'\n');
                        buffer = end is { } e ? buffer.Slice(buffer.GetPosition(1, e)) : buffer.Slice(buffer.End);
                        connection.Skipping = end is null;
                        connection.Searched = 0;
                        if (connection.Skipping)
                            break;
                    }
                    var before = buffer.Length;
                    var status = LineFramer.TryReadLine(ref buffer, maxLine, connection.Searched, out var line);
                    if (status == FrameStatus.NeedMore)
                    {
                        connection.Searched = buffer.Length;
                        break;
                    }
                    connection.Searched = 0;
                    if (status == FrameStatus.Line)
                    {
                        await session.HandleLineAsync(line).ConfigureAwait(false);
                        continue;
                    }
                    session.RejectTooLong();
                    // No line end yet: drop what is here and the rest of the line as it comes.
                    connection.Skipping = buffer.Length == before;
                }
                if (result.IsCompleted && !connection.Skipping && !buffer.IsEmpty && buffer.Length <= maxLine)
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
                return false;
        }
        return true;
    }
}
