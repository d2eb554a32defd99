namespace Parley.Cli.Chat;

/// <summary>
/// Tab completion of a file path typed after <c>/send</c> or <c>/upload</c>: the entries of the
/// folder typed so far whose names start with what follows its last <c>/</c>, folders first and
/// ending in <c>/</c> (Tab again offers the next; type on to go into a folder). Hidden entries only
/// when the name typed starts with a dot. A name with a space comes quoted, as /send reads it.
/// </summary>
public static class PathCompletion
{
    private const int MostChoices = 200;

    /// <summary>What may replace <paramref name="typed"/>, in order; empty when nothing fits or the folder cannot be read.</summary>
    public static IReadOnlyList<string> Candidates(string typed)
    {
        var slash = typed.LastIndexOf('/');
        var folderTyped = slash < 0 ? "" : typed[..(slash + 1)];
        var prefix = typed[(slash + 1)..];
        try
        {
            var folder = new DirectoryInfo(folderTyped.Length == 0 ? "." : ChatApp.ExpandPath(folderTyped));
            if (!folder.Exists)
                return [];
            return folder.EnumerateFileSystemInfos()
                .Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal) && (prefix.StartsWith('.') || !e.Name.StartsWith('.')))
                .OrderBy(e => e is DirectoryInfo ? 0 : 1).ThenBy(e => e.Name, StringComparer.Ordinal)
                .Take(MostChoices)
                // A file is done: a space, for the caption. A folder goes on.
                .Select(e => e is DirectoryInfo ? Quoted(folderTyped + e.Name + "/") : Quoted(folderTyped + e.Name) + " ")
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.SecurityException)
        {
            return [];
        }
    }

    private static string Quoted(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
