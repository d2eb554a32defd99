using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>Typing indicators (<c>typing</c>) and the read receipts' part of <c>history</c> (docs/protocol.md).</summary>
internal static partial class NativeCommands
{
    /// <summary><c>typing {room | to | with, state?}</c>: <c>to</c> as <c>send</c> names a user, <c>with</c> as <c>history</c> and <c>read</c> do.</summary>
    private static async Task<Reply> Typing(NativeSession s, JsonRequest r)
    {
        var (room, user) = r.Conversation();
        var state = r.OptionalString("state") ?? TypingStates.Active;
        if (!TypingStates.IsValid(state))
            throw new RequestException(ErrorCodes.BadField, "'state' is 'active', 'paused' or 'done'");
        return Done(await s.Hub.TypingAsync(s, room, user, state));
    }

    /// <summary>A direct conversation's <c>history</c> reply also says how far the other user has read it (<c>peerRead</c>).</summary>
    private static async Task<long?> PeerReadAsync(NativeSession s, string? with)
    {
        if (with is null)
            return null;
        var peer = await s.Hub.PeerReadAsync(s, with);
        return peer.Ok ? peer.Value : null;
    }
}
