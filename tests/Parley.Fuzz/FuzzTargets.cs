namespace Parley.Fuzz;

/// <summary>The fuzz targets by the name given on the command line.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<Stream>> All = new Dictionary<string, Action<Stream>>
    {
        ["json"] = stream => JsonTarget.Run(ReadAll(stream)),
        ["irc"] = stream => IrcTarget.Run(ReadAll(stream)),
        ["peer"] = stream => PeerTarget.Run(ReadAll(stream)),
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
