namespace Parley.Cli.Bench;

/// <summary>
/// Progress while a run goes: on a terminal one line rewritten in place, otherwise one plain line
/// per second (a log, a pipe, a test); nothing with --json-only.
/// </summary>
public sealed class Progress(TextWriter output, bool terminal, bool silent)
{
    private readonly Lock _gate = new();
    private bool _lineOpen;

    public async Task EverySecondAsync(Func<string> line, CancellationToken stop)
    {
        if (silent)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
                Show(line());
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Show(string text)
    {
        lock (_gate)
        {
            if (terminal)
            {
                output.Write("\r" + text.PadRight(Console.WindowWidth > 1 ? Math.Min(Console.WindowWidth - 1, 150) : 100));
                _lineOpen = true;
            }
            else
            {
                output.WriteLine(text);
            }
            output.Flush();
        }
    }

    /// <summary>A line that stays (a search step, a warning).</summary>
    public void Note(string text)
    {
        if (silent)
            return;
        lock (_gate)
        {
            if (_lineOpen)
            {
                output.Write("\r" + new string(' ', Console.WindowWidth > 1 ? Math.Min(Console.WindowWidth - 1, 150) : 100) + "\r");
                _lineOpen = false;
            }
            output.WriteLine(text);
            output.Flush();
        }
    }

    /// <summary>Ends an open terminal line before the summary.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_lineOpen)
            {
                output.WriteLine();
                _lineOpen = false;
            }
        }
    }
}
