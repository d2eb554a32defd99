using System.Text;
using System.Threading.Channels;

namespace Parley.Cli.Chat;

/// <summary>
/// A live terminal: one input line at the bottom that the user edits while messages print above
/// it. Printing clears the input line, writes the message, and redraws the line as it was, so
/// sending and receiving never interleave on screen. Keys are read on one background thread.
/// </summary>
public sealed class TerminalChatView : IChatView
{
    private const string ClearLine = "\r\u001b[2K";

    private readonly Lock _gate = new();
    private readonly StringBuilder _buffer = new();
    private readonly List<string> _history = [];
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>();
    private string _prompt = "> ";
    private string _status = "";
    private int _cursor;
    private int _historyIndex;

    // Tab completion of an @name or a path: what may replace the word, which one is shown, and where the word starts.
    private IReadOnlyList<string>? _choices;
    private int _choice;
    private int _wordStart;

    /// <summary>The names Tab completes after '@' (given what follows the '@'), in order; none when null.</summary>
    public Func<string, IReadOnlyList<string>>? Complete { get; set; }

    /// <summary>What Tab may put in place of a path typed after /send or /upload (<see cref="PathCompletion.Candidates"/>); none when null.</summary>
    public Func<string, IReadOnlyList<string>>? CompletePath { get; set; }

    /// <summary>The commands whose first argument is a path.</summary>
    private static readonly string[] PathCommands = ["/send ", "/upload "];

    public void Bell()
    {
        lock (_gate)
        {
            Console.Out.Write("");
            Console.Out.Flush();
        }
    }

    public void Print(string line)
    {
        lock (_gate)
        {
            Console.Out.Write(ClearLine + line.Replace("\n", "\r\n") + "\r\n");
            Redraw();
        }
    }

    public void SetPrompt(string prompt)
    {
        lock (_gate)
        {
            _prompt = prompt + " > ";
            Redraw();
        }
    }

    /// <summary>Shown before the prompt, in brackets: "[bob is typing…] #lobby > ".</summary>
    public void SetStatus(string? status)
    {
        lock (_gate)
        {
            _status = status is null ? "" : $"[{status}] ";
            Redraw();
        }
    }

    /// <summary>The user typed a character into the input line (given as it is now), on the key thread.</summary>
    public event Action<string>? Typed;

    /// <summary>Starts reading keys; typed lines arrive on the returned reader, null for Ctrl-C / Ctrl-D.</summary>
    public ChannelReader<string?> Start()
    {
        Console.TreatControlCAsInput = true;
        var thread = new Thread(ReadKeys) { IsBackground = true, Name = "parley-keys" };
        thread.Start();
        lock (_gate)
            Redraw();
        return _lines.Reader;
    }

    /// <summary>Asks for a line with the given prompt, with echo off when <paramref name="secret"/>.</summary>
    public static string AskLine(string prompt, bool secret)
    {
        Console.Out.Write(prompt);
        if (!secret)
            return Console.ReadLine() ?? "";
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                    text.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.Out.Write("\r\n");
        return text.ToString();
    }

    private void ReadKeys()
    {
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            string? finished = null;
            string? typed = null;
            var quit = false;
            lock (_gate)
            {
                var ctrl = key.Modifiers.HasFlag(ConsoleModifiers.Control);
                if (key.Key != ConsoleKey.Tab)
                    _choices = null;
                switch (key.Key)
                {
                    case ConsoleKey.Tab:
                        CompleteWord();
                        break;
                    case ConsoleKey.Enter:
                        finished = _buffer.ToString();
                        if (finished.Length > 0)
                            _history.Add(finished);
                        _historyIndex = _history.Count;
                        _buffer.Clear();
                        _cursor = 0;
                        break;
                    case ConsoleKey.C when ctrl:
                    case ConsoleKey.D when ctrl && _buffer.Length == 0:
                        quit = true;
                        break;
                    case ConsoleKey.Backspace when _cursor > 0:
                        _buffer.Remove(--_cursor, 1);
                        break;
                    case ConsoleKey.Delete when _cursor < _buffer.Length:
                        _buffer.Remove(_cursor, 1);
                        break;
                    case ConsoleKey.LeftArrow when _cursor > 0:
                        _cursor--;
                        break;
                    case ConsoleKey.RightArrow when _cursor < _buffer.Length:
                        _cursor++;
                        break;
                    case ConsoleKey.Home:
                    case ConsoleKey.A when ctrl:
                        _cursor = 0;
                        break;
                    case ConsoleKey.End:
                    case ConsoleKey.E when ctrl:
                        _cursor = _buffer.Length;
                        break;
                    case ConsoleKey.U when ctrl:
                        _buffer.Remove(0, _cursor);
                        _cursor = 0;
                        break;
                    case ConsoleKey.UpArrow when _historyIndex > 0:
                        Recall(--_historyIndex);
                        break;
                    case ConsoleKey.DownArrow when _historyIndex < _history.Count:
                        _historyIndex++;
                        Recall(_historyIndex);
                        break;
                    default:
                        if (!ctrl && !char.IsControl(key.KeyChar))
                        {
                            _buffer.Insert(_cursor++, key.KeyChar);
                            typed = _buffer.ToString();
                        }
                        break;
                }
                Redraw();
            }
            if (quit)
            {
                _lines.Writer.TryWrite(null);
                return;
            }
            if (finished is not null)
                _lines.Writer.TryWrite(finished);
            if (typed is not null)
                Typed?.Invoke(typed);
        }
    }

    /// <summary>
    /// Tab after "@al" puts "@alice " in its place, and after "/send ~/Pic" the path "~/Pictures/";
    /// Tab again offers the next that fits, in turn. Call under the lock.
    /// </summary>
    private void CompleteWord()
    {
        if (_choices is null)
        {
            var start = _cursor;
            while (start > 0 && !char.IsWhiteSpace(_buffer[start - 1]))
                start--;
            var word = _buffer.ToString(start, _cursor - start);
            IReadOnlyList<string> choices;
            if (word.StartsWith('@') && Complete is not null)
                choices = [.. Complete(word[1..]).Select(name => "@" + name + " ")];
            else if (CompletePath is not null && IsPathArgument(start))
                choices = CompletePath(word);
            else
                return;
            if (choices.Count == 0)
                return;
            (_choices, _choice, _wordStart) = (choices, 0, start);
        }
        else
        {
            _choice = (_choice + 1) % _choices.Count;
        }
        var completed = _choices[_choice];
        _buffer.Remove(_wordStart, _cursor - _wordStart).Insert(_wordStart, completed);
        _cursor = _wordStart + completed.Length;
    }

    /// <summary>Whether the word at <paramref name="start"/> is the first argument of /send or /upload.</summary>
    private bool IsPathArgument(int start)
    {
        var before = _buffer.ToString(0, start);
        return PathCommands.Any(c => before.Length >= c.Length && before.StartsWith(c, StringComparison.OrdinalIgnoreCase) && before[c.Length..].Trim().Length == 0);
    }

    private void Recall(int index)
    {
        _buffer.Clear();
        if (index < _history.Count)
            _buffer.Append(_history[index]);
        _cursor = _buffer.Length;
    }

    /// <summary>Draws prompt and input, scrolled so the cursor stays on screen. Call under the lock.</summary>
    private void Redraw()
    {
        var width = Math.Max(20, SafeWidth() - 1);
        var prompt = _status + _prompt;
        var room = Math.Max(5, width - prompt.Length);
        var start = Math.Max(0, _cursor - room + 1);
        var visible = _buffer.ToString(start, Math.Min(room, _buffer.Length - start));
        var column = prompt.Length + (_cursor - start);
        Console.Out.Write(ClearLine + prompt + visible + "\r" + (column > 0 ? $"\u001b[{column}C" : ""));
        Console.Out.Flush();
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
