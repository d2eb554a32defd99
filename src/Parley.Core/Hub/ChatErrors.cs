using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>
/// The hub's replies for user errors that several owners give, worded once.
///
/// Concurrency: stateless.
/// </summary>
internal static class ChatErrors
{
    public static ChatError Error(string code, string message) => new(code, message);

    public static ChatError NoSuchRoom(string name) =>
        Names.IsValid(name)
            ? Error(ErrorCodes.NoSuchRoom, $"there is no room '{name}'")
            : Error(ErrorCodes.BadName, $"a room name is {Names.Rule}");

    public static ChatError NotMember(RoomState room) =>
        Error(ErrorCodes.NotMember, $"you are not in '{room.Name}'; join it first");

    public static ChatError GuestNotAllowed(string what) =>
        Error(ErrorCodes.GuestNotAllowed, $"guests cannot {what}; sign in with an account");
}
