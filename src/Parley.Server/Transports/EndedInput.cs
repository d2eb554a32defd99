using System.IO.Pipelines;

namespace Parley.Server.Transports;

/// <summary>An input that has ended with nothing left: every read says so at once (<see cref="KestrelTransportConnection.Input"/>).</summary>
internal sealed class EndedInput : PipeReader
{
    public static readonly EndedInput Instance = new();

    private static readonly ReadResult Ended = new(System.Buffers.ReadOnlySequence<byte>.Empty, isCanceled: false, isCompleted: true);

    private EndedInput()
    {
    }

    public override bool TryRead(out ReadResult result)
    {
        result = Ended;
        return true;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Ended);

    public override void AdvanceTo(SequencePosition consumed)
    {
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
    }

    public override void CancelPendingRead()
    {
    }

    public override void Complete(Exception? exception = null)
    {
    }
}
