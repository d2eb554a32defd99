using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>Typing indicators (<c>typing</c>) and the read receipts' part of <c>history</c> (docs/protocol.md).</summary>
internal static partial class NativeCommands
{
    /// <summary><c>typing {room | to | with, state?}</c>: <c>to</c> as <c>send</c> names a user, <c>with</c> as <c>history</c> and <c>read</c> do.</summary>
    private static async Task<Reply> Typing(NativeSession s, JsonRequest r)
    {
        var room = r.OptionalString("room");
        var to = r.OptionalString("to");
        var with = r.OptionalString("with");
        var given = (room is null ? 0 : 1) + (to is null ? 0 : 1) + (with is null ? 0 : 1);
        if (given == 0)
            throw new RequestException(ErrorCodes.MissingField, "'typing' needs 'room' or 'to'");
        if (given > 1)
            throw new RequestException(ErrorCodes.BadField, "give one of 'room', 'to' or 'with'");
        var state = r.OptionalString("state") ?? TypingStates.Active;
        if (!TypingStates.IsValid(state))
            throw new RequestException(ErrorCodes.BadField, "'state' is 'active', 'paused' or 'done'");
        return Done(await s.Hub.TypingAsync(s, room, to ?? with, state));
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
