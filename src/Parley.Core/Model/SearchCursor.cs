using System.Globalization;

namespace Parley.Core.Model;

/// <summary>
/// Where a page of search hits ended: the last hit it gave. Hits come newest first, in the order
/// of (time, conversation key, seq), each compared descending, so the next page is every hit
/// strictly before this one in that order. On the wire it is one string,
/// <c>MILLISECONDS.SEQ.CONVERSATION</c> (<see cref="ToString"/>, <see cref="TryParse"/>): clients
/// pass back what they were given and never build one.
/// </summary>
public sealed record SearchCursor(DateTimeOffset Timestamp, string Conversation, long Seq)
{
    public static SearchCursor Of(StoredMessage message) => new(message.Timestamp, message.Conversation, message.Seq);

    /// <summary>True when <paramref name="message"/> comes after the cursor in the hits' order (it is older), so it belongs to the next page.</summary>
    public bool Precedes(StoredMessage message) => Compare(message.Timestamp.ToUnixTimeMilliseconds(), message.Conversation, message.Seq) < 0;

    /// <summary>Negative when (time, conversation, seq) sorts below the cursor (an older hit), 0 at the cursor, positive above.</summary>
    public int Compare(long milliseconds, string conversation, long seq)
    {
        var byTime = milliseconds.CompareTo(Timestamp.ToUnixTimeMilliseconds());
        if (byTime != 0)
            return byTime;
        var byConversation = string.CompareOrdinal(conversation, Conversation);
        return byConversation != 0 ? Math.Sign(byConversation) : seq.CompareTo(Seq);
    }

    /// <summary>Newest first: the order search hits are given in.</summary>
    public static int NewestFirst(StoredMessage a, StoredMessage b)
    {
        var byTime = b.Timestamp.ToUnixTimeMilliseconds().CompareTo(a.Timestamp.ToUnixTimeMilliseconds());
        if (byTime != 0)
            return byTime;
        var byConversation = string.CompareOrdinal(b.Conversation, a.Conversation);
        return byConversation != 0 ? byConversation : b.Seq.CompareTo(a.Seq);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Timestamp.ToUnixTimeMilliseconds()}.{Seq}.{Conversation}");

    public static bool TryParse(string? text, out SearchCursor? cursor)
    {
        cursor = null;
        if (text is null)
            return false;
        var first = text.IndexOf('.');
        var second = first < 0 ? -1 : text.IndexOf('.', first + 1);
        if (second < 0 || second == text.Length - 1)
            return false;
        if (!long.TryParse(text.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            || !long.TryParse(text.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            return false;
        cursor = new SearchCursor(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), text[(second + 1)..], seq);
        return true;
    }
}
