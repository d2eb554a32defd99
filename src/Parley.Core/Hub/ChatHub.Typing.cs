using Parley.Core.Model;

namespace Parley.Core.Hub;

/// <summary>Typing indicators and read receipts (<see cref="Messaging"/>'s Typing and Receipts parts).</summary>
public sealed partial class ChatHub
{
    /// <inheritdoc cref="Messaging.TypingAsync"/>
    public Task<Result<Done>> TypingAsync(Session session, string? roomName, string? toName, string state) =>
        _messaging.TypingAsync(session, roomName, toName, state);

    /// <inheritdoc cref="Messaging.PeerReadAsync"/>
    public Task<Result<long?>> PeerReadAsync(Session session, string withName) => _messaging.PeerReadAsync(session, withName);
}
