namespace Parley.Cli.Soak;

/// <summary>
/// One client connection carrying native-protocol frames (JSON lines over TCP, or one per
/// WebSocket message), with the ways a client can misbehave on it: raw bytes, and a cut in the
/// middle of a frame.
/// </summary>
public abstract class SoakTransport : IAsyncDisposable
{
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Sends one frame (a JSON object, without line end).</summary>
    public async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteFrameAsync(System.Text.Encoding.UTF8.GetBytes(frame), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Sends bytes as one frame, whatever they hold (malformed and oversized frames).</summary>
    public async Task SendBytesAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteFrameAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes the first part of a frame, never its end, and drops the connection (abortively when <paramref name="reset"/>).</summary>
    public async Task CutMidFrameAsync(byte[] start, bool reset)
    {
        await _writing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await WritePartialAsync(start).ConfigureAwait(false);
        }
        catch (Exception ex) when (SoakClient.IsConnectionFailure(ex))
        {
        }
        finally
        {
            _writing.Release();
        }
        Abort(reset);
    }

    /// <summary>The next frame as text, or null when the connection has ended.</summary>
    public abstract Task<string?> ReceiveAsync(CancellationToken cancellationToken);

    protected abstract Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken);

    protected abstract Task WritePartialAsync(byte[] start);

    public abstract void Abort(bool reset);

    public virtual ValueTask DisposeAsync()
    {
        Abort(reset: false);
        _writing.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
