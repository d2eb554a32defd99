using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>Search: the conversations a user may search, and the store's search over them.</summary>
internal sealed partial class Messaging
{
    /// <summary>Hits a page holds when the request does not say.</summary>
    public const int SearchDefault = 20;

    /// <summary>Most hits a page holds, whatever the request says.</summary>
    public const int SearchMax = 100;

    /// <summary>
    /// Messages holding <paramref name="text"/> (a substring, case-insensitive: <see cref="SearchText"/>),
    /// newest first, in one conversation the user may read (<paramref name="roomName"/> or
    /// <paramref name="withName"/>) or, with neither, in every conversation it belongs to now: its
    /// rooms (a room it left is never searched) and its direct conversations. Hits after
    /// <paramref name="before"/> (the cursor of the last hit of the page before).
    /// </summary>
    public async Task<Result<SearchPage>> SearchAsync(Session session, string text, string? roomName, string? withName, SearchCursor? before, int? limit)
    {
        if (BlankText.IsBlank(text))
            return Error(ErrorCodes.EmptyText, "search for at least one character that is not a space");
        if (TextLength.Exceeds(text, SearchText.MaxChars))
            return Error(ErrorCodes.TextTooLong, $"search for at most {SearchText.MaxChars} characters");
        if (limit is < 1 or > SearchMax)
            return Error(ErrorCodes.BadField, $"'limit' is from 1 to {SearchMax}");
        IReadOnlyCollection<string> conversations;
        if (roomName is not null || withName is not null)
        {
            var one = await ConversationOfAsync(session, roomName, withName).ConfigureAwait(false);
            if (!one.Ok)
                return one.Error!;
            conversations = [one.Value!];
        }
        else
        {
            conversations = await ConversationsOfAsync(session).ConfigureAwait(false);
        }
        var count = limit ?? SearchDefault;
        return await _store.SearchAsync(conversations, text, before, count).ConfigureAwait(false);
    }

    /// <summary>
    /// The stored conversations the user belongs to now: its rooms as this node knows them (the
    /// membership every request is checked against; transient rooms keep no messages), and its
    /// direct conversations as the store lists them (a guest has none).
    /// </summary>
    private async Task<List<string>> ConversationsOfAsync(Session session)
    {
        var userKey = Names.Key(session.User!);
        var conversations = new List<string>();
        lock (_rooms.Topology)
        {
            foreach (var room in _rooms.RoomsOf(userKey))
            {
                if (!room.Transient && room.Members.ContainsKey(userKey))
                    conversations.Add(room.Conversation);
            }
        }
        if (!session.IsGuest)
        {
            foreach (var state in await _store.ConversationsAsync(userKey).ConfigureAwait(false))
            {
                if (ConversationKey.IsDirect(state.Conversation))
                    conversations.Add(state.Conversation);
            }
        }
        return conversations;
    }
}
