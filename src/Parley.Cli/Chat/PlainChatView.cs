namespace Parley.Cli.Chat;

/// <summary>Output for scripts and pipes: whole lines, no prompt, no colours.</summary>
public sealed class PlainChatView(TextWriter output) : IChatView
{
    private readonly Lock _gate = new();

    public void Print(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void SetPrompt(string prompt)
    {
    }
}
