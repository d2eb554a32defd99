namespace Parley.Client.Transport;

/// <summary>One connection carrying whole protocol frames (JSON objects) both ways.</summary>
internal interface IFrameConnection : IAsyncDisposable
{
    /// <summary>Sends one frame. Not safe to call concurrently: the client serializes sends.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken);

    /// <summary>The next frame, or null when the server closed the connection.</summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken);
}
