namespace Parley.Cli.Bench;

/// <summary>
/// --tls (idle only): after setup, reads and drops whatever the server sends, so that it never
/// finds the connection slow. A zero-byte read waits without a buffer, as the plain loop does.
/// </summary>
public sealed partial class BenchConnection
{
    private async Task DrainTlsAsync(CancellationToken stop)
    {
        var buffer = new byte[4096];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _tls!.ReadAsync(Memory<byte>.Empty, stop).ConfigureAwait(false);
                if (await _tls.ReadAsync(buffer, stop).ConfigureAwait(false) == 0)
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        if (!_disposed && !stop.IsCancellationRequested)
            Fail("the server closed the connection");
        Closed = true;
    }
}
