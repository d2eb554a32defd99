namespace Parley.Client.Model;

/// <summary>A conversation: a room, or the direct conversation with one user.</summary>
public readonly record struct Target
{
    private Target(string? room, string? user)
    {
        Room = room;
        User = user;
    }

    public string? Room { get; }

    public string? User { get; }

    public bool IsRoom => Room is not null;

    public static Target InRoom(string room) => new(room, null);

    public static Target With(string user) => new(null, user);

    /// <summary>A case-insensitive key, "#room" or "@user", as people write them.</summary>
    public string Key => IsRoom ? "#" + Room!.ToLowerInvariant() : "@" + User!.ToLowerInvariant();

    public override string ToString() => IsRoom ? "#" + Room : "@" + User;
}
