namespace Parley.Cli.Chat;

/// <summary>Where the chat prints: a live terminal with a line editor, or plain redirected output.</summary>
public interface IChatView
{
    /// <summary>Prints one finished line (already formatted) without disturbing what the user is typing.</summary>
    void Print(string line);

    /// <summary>Shows where typed text will go, e.g. "#lobby".</summary>
    void SetPrompt(string prompt);

    /// <summary>Shows a passing status ("bob is typing…"), or clears it (null). A view without room for one ignores it.</summary>
    void SetStatus(string? status)
    {
    }

    /// <summary>Rings the terminal's bell (a message calls the user); nothing where there is no terminal.</summary>
    void Bell()
    {
    }
}
