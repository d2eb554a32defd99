namespace Parley.Client.Model;

/// <summary>
/// What the server accepts, from its sign-in reply (<c>limits</c>). Before sign-in, or from a
/// server too old to say, the defaults of a server with default settings.
/// </summary>
public sealed record ServerLimits(int MaxTextChars, int MaxTopicChars, int MaxLineBytes, int HistoryMax)
{
    public static readonly ServerLimits Defaults = new(4000, 300, 64 * 1024, 200);
}
