namespace Parley.Client.Model;

/// <summary>
/// What the server accepts, from its sign-in reply (<c>limits</c>). Before sign-in, or from a
/// server too old to say, the defaults of a server with default settings.
/// </summary>
/// <param name="MembersPageMax">The largest page of <c>members</c> (and the size of a join reply's first page).</param>
/// <param name="MaxWatchedUsers">How many users one <c>watch</c> may name.</param>
/// <param name="MaxAttachments">How many files one message may carry.</param>
/// <param name="MaxUploadBytes">The largest file the server takes, in bytes.</param>
public sealed record ServerLimits(int MaxTextChars, int MaxTopicChars, int MaxLineBytes, int HistoryMax, int MembersPageMax = 500, int MaxWatchedUsers = 100,
    int MaxAttachments = 10, long MaxUploadBytes = 25 * 1024 * 1024)
{
    public static readonly ServerLimits Defaults = new(4000, 300, 64 * 1024, 200, 500, 100, 10, 25 * 1024 * 1024);
}
