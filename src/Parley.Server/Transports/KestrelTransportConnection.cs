using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Parley.Server.Transports;

/// <summary>
/// A connection Kestrel accepted, as a line protocol's <see cref="ITransportConnection"/>, so that
/// <see cref="LineConnection{TSession}"/> serves it as it serves the epoll listener's: used by the
/// admin socket (a Unix domain socket, which only Kestrel listens on) and by the TLS listeners
/// (<see cref="KestrelLineListener"/>: Kestrel's TLS layer sits between the socket and these pipes).
/// Waiting for input is a pending read on Kestrel's pipe rather than an epoll registration.
/// </summary>
/// <param name="wire">The listener's name for the logs (<c>tcp+tls</c>), or null for the protocol's own.</param>
internal sealed class KestrelTransportConnection(ConnectionContext context, string? wire = null) : ITransportConnection
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IConnectionApplication? _application;
    private volatile bool _stopped;
    private volatile bool _inputEnded;

    public IPEndPoint? RemoteEndPoint => context.RemoteEndPoint as IPEndPoint;

    public AddressAdmission Admission => ConnectionsPerAddressMiddleware.Of(context.Items);

    public string? Wire => wire;

    /// <summary>
    /// Kestrel's input; once a read found it ended, an ended one. Behind TLS Kestrel's input is a
    /// stream's reader, whose TryRead says "nothing yet" rather than "ended" once the stream has
    /// ended with nothing buffered: the application would be woken again and again for ever.
    /// </summary>
    public PipeReader Input => _inputEnded ? EndedInput.Instance : context.Transport.Input;

    public PipeWriter Output => context.Transport.Output;

    /// <summary>Completes once whoever served the connection is done with it (Kestrel's connection handler awaits it).</summary>
    public Task Completed => _disposed.Task;

    public void Serve(IConnectionApplication application) => _application = application;

    /// <summary>Asks the application to end the connection as the server stops (a 'bye', then close).</summary>
    public void CloseGracefully() => _application?.CloseGracefully();

    public void ResumeOnInput()
    {
        if (_stopped)
        {
            // The application's next TryRead sees the cancellation, and ends.
            Input.CancelPendingRead();
            ThreadPool.UnsafeQueueUserWorkItem(_application!, preferLocal: false);
            return;
        }
        _ = RunOnInputAsync();
    }

    private async Task RunOnInputAsync()
    {
        try
        {
            var result = await Input.ReadAsync().ConfigureAwait(false);
            // Nothing consumed or examined: the application's TryRead gets the same bytes at once.
            Input.AdvanceTo(result.Buffer.Start);
            if (result.IsCompleted && result.Buffer.IsEmpty)
                _inputEnded = true;
            // This read took a cancellation meant for the application: hand it on.
            else if (result.IsCanceled || _stopped)
                Input.CancelPendingRead();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The connection failed (reset, or a TLS record that does not decrypt): its input has ended.
            _inputEnded = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(_application!, preferLocal: false);
    }

    public void StopReading()
    {
        _stopped = true;
        Input.CancelPendingRead();
    }

    public void Abort() => context.Abort();

    public void Dispose() => _disposed.TrySetResult();
}
