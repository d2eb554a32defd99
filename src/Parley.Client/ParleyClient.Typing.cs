using System.Text.Json;
using Parley.Client.Model;

namespace Parley.Client;

/// <summary>Typing indicators and read receipts (docs/protocol.md, <c>typing</c> and <c>receipt</c>).</summary>
public sealed partial class ParleyClient
{
    /// <summary>
    /// Tells the conversation this user is typing (<paramref name="state"/> <c>active</c>), or stopped
    /// (<c>paused</c>, <c>done</c>). Send one at most every 3 s while the user types: the server relays
    /// at most one every 2 s per conversation and accepts the rest without relaying them.
    /// </summary>
    public Task SendTypingAsync(Target target, string state = "active", CancellationToken cancellationToken = default) =>
        RequestAsync("typing", w =>
        {
            Frames.WriteTarget(w, target, "to");
            if (state != "active")
                w.WriteString("state", state);
        }, cancellationToken);

    private void OnTyping(JsonElement e)
    {
        var user = e.GetProperty("user").GetString()!;
        Target target;
        if (Frames.OptionalString(e, "room") is { } room)
        {
            target = Target.InRoom(room);
        }
        else
        {
            // "to" is the receiver, as in a message: for this user's own other session it is the other user.
            var to = e.GetProperty("to").GetString()!;
            target = Target.With(string.Equals(to, User, StringComparison.OrdinalIgnoreCase) ? user : to);
        }
        Emit(new Typing(target, user, Frames.OptionalString(e, "state") ?? "active"));
    }
}
