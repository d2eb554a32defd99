using System.Runtime.InteropServices;

namespace Parley.Cli.Commands;

/// <summary>
/// Ctrl-C and SIGTERM as a cancellation, for the long-running commands (bench, soak) that must
/// stop their clients and the servers they started rather than die with them still running.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _term;

    public StopSignals(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _onCancel = (_, e) =>
        {
            e.Cancel = true;
            _stop.Cancel();
        };
        Console.CancelKeyPress += _onCancel;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            _stop.Cancel();
        });
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _term.Dispose();
        _stop.Dispose();
    }
}
