using System.Text;

namespace Parley.Tests.Support;

/// <summary>Standard output or error for a command under test, safe to read while the command still writes.</summary>
public sealed class CapturedOutput : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
            _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_gate)
            _text.Append(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
            _text.Append(buffer, index, count);
    }

    public string Text
    {
        get
        {
            lock (_gate)
                return _text.ToString();
        }
    }

    public override string ToString() => Text;

    /// <summary>Whole lines written so far (a line still being written is left out).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            var end = text.LastIndexOf('\n');
            return end < 0 ? [] : text[..end].Split('\n');
        }
    }

    public Task WaitForLineAsync(string contains) =>
        Until.TrueAsync(() => Lines.Any(l => l.Contains(contains, StringComparison.Ordinal)), $"a line contains '{contains}'; output so far:\n{Text}");
}
