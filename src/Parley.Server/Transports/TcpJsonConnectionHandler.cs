using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Hosting;
using Parley.Server.Transports.Sockets;

namespace Parley.Server.Transports;

/// <summary>
/// Native protocol over raw TCP: one JSON object per line. SocketListener owns the socket; this class
/// only moves lines between its pipes and the session. One reader loop and one writer loop per
/// connection, no thread of its own.
/// </summary>
public sealed class TcpJsonConnectionHandler(NativeSessionFactory factory, ParleyOptions options) : ILineProtocol<NativeSession>
{
    public string Transport => "tcp";

    public Task OnConnectedAsync(TcpConnection connection)
    {
        var session = factory.Create(connection.RemoteEndPoint?.Address);
        return LineConnection.ServeAsync(connection, session, this, factory.Logger);
    }

    public Task EndAsync(NativeSession session) => session.EndAsync();

    public async Task ReadLinesAsync(NativeSession session, PipeReader input)
    {
        var maxLine = options.Connections.MaxLineBytes;
        // Bytes at the start of the unconsumed input already searched for '\n' in vain.
        long searched = 0;
        while (true)
        {
            // No cancellation token here: the connection's token fires on a half-close, and lines
            // already buffered must still be handled. The writer side cancels the read to stop us.
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = FrameStatus.NeedMore;
            try
            {
                while ((status = LineFramer.TryReadLine(ref buffer, maxLine, searched, out var line)) == FrameStatus.Line)
                {
                    searched = 0;
                    if (line.Length > 0)
                        await session.HandleFrameAsync(line).ConfigureAwait(false);
                }
                if (status == FrameStatus.NeedMore)
                    searched = buffer.Length;
                // A last line without '\n' still counts when the peer closes its side.
                if (status == FrameStatus.NeedMore && result.IsCompleted && !buffer.IsEmpty)
                {
                    if (buffer.Length > maxLine)
                        status = FrameStatus.TooLong;
                    else
                        await session.HandleFrameAsync(buffer).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.End);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (status == FrameStatus.TooLong)
            {
                session.RejectOversized();
                return;
            }
            if (result.IsCompleted || result.IsCanceled)
                return;
        }
    }

    /// <summary>A JSON frame as one line on the wire.</summary>
    public void Write(NativeSession session, byte[] frame, PipeWriter output)
    {
        var span = output.GetSpan(frame.Length + 1);
        frame.CopyTo(span);
        span[frame.Length] = (byte)'\n';
        output.Advance(frame.Length + 1);
    }
}
