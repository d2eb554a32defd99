namespace Parley.Cli.Soak;

/// <summary>A room, or the direct conversation of two users; <see cref="Key"/> names it whoever asks.</summary>
public sealed record Conversation(string? Room, string? UserA, string? UserB)
{
    public static Conversation OfRoom(string room) => new(room, null, null);

    public static Conversation Direct(string one, string other) =>
        string.Compare(one, other, StringComparison.OrdinalIgnoreCase) <= 0 ? new(null, one, other) : new(null, other, one);

    public string Key => Room is not null ? "room:" + Room.ToLowerInvariant() : $"dm:{UserA!.ToLowerInvariant()}|{UserB!.ToLowerInvariant()}";

    public bool IsRoom => Room is not null;

    /// <summary>For a direct conversation, the user that is not <paramref name="me"/> (or me, for a note to oneself).</summary>
    public string Peer(string me) => string.Equals(UserA, me, StringComparison.OrdinalIgnoreCase) ? UserB! : UserA!;

    public override string ToString() => Key;
}
