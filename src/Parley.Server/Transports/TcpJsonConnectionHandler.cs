using System.Buffers;
using System.IO.Pipelines;
using Parley.Protocol.Json;
using Parley.Protocol.Native;
using Parley.Server.Hosting;

namespace Parley.Server.Transports;

/// <summary>
/// Native protocol over raw TCP: one JSON object per line. The transport owns the socket; this class
/// only moves lines between its pipes and the session (<see cref="LineConnection{TSession}"/>
/// runs both sides), no thread of its own.
/// </summary>
public sealed class TcpJsonConnectionHandler(NativeSessionFactory factory, ParleyOptions options) : ILineProtocol<NativeSession>
{
    public string Transport => "tcp";

    public void OnConnected(ITransportConnection connection) =>
        LineConnection<NativeSession>.Start(connection, factory.Create(connection.RemoteEndPoint?.Address, connection.Admission), this, factory.Logger);

    public Task EndAsync(NativeSession session) => session.EndAsync();

    async ValueTask<bool> ILineProtocol<NativeSession>.ReadAvailableAsync(NativeSession session, ILineCursor connection)
    {
        var input = connection.Input;
        var maxLine = options.Connections.MaxLineBytes;
        while (input.TryRead(out var result))
        {
            var buffer = result.Buffer;
            var status = FrameStatus.NeedMore;
            try
            {
                while ((status = LineFramer.TryReadLine(ref buffer, maxLine, connection.Searched, out var line)) == FrameStatus.Line)
                {
                    connection.Searched = 0;
                    if (line.Length > 0)
                        await session.HandleFrameAsync(line).ConfigureAwait(false);
                }
                if (status == FrameStatus.NeedMore)
                    connection.Searched = buffer.Length;
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
                return false;
            }
            if (result.IsCompleted || result.IsCanceled)
                return false;
        }
        return true;
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
