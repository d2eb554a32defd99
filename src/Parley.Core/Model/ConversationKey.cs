namespace Parley.Core.Model;

/// <summary>
/// Every conversation (a room, or the pair of users in a direct conversation) has its own
/// sequence of messages. Keys are built only here so every store spells them the same way.
/// ':' cannot occur in a name, so the keys never collide.
/// </summary>
public static class ConversationKey
{
    public static string ForRoom(string roomName) => "r:" + Names.Key(roomName);

    public static string ForDirect(string userA, string userB)
    {
        var a = Names.Key(userA);
        var b = Names.Key(userB);
        return string.CompareOrdinal(a, b) <= 0 ? $"d:{a}:{b}" : $"d:{b}:{a}";
    }

    public static bool IsDirect(string conversation) => conversation.StartsWith("d:", StringComparison.Ordinal);
}
