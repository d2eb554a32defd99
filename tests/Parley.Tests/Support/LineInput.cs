using System.Threading.Channels;

namespace Parley.Tests.Support;

/// <summary>Standard input for a command under test: lines are fed in while it runs; <see cref="End"/> is end of input.</summary>
public sealed class LineInput : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public void Send(string line)
    {
        if (!_lines.Writer.TryWrite(line))
            throw new InvalidOperationException("input already ended");
    }

    public void End() => _lines.Writer.TryComplete();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line))
            return line;
        return null;
    }

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
