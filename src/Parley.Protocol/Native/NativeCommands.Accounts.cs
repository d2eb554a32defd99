using System.Text.Json;
using Parley.Core.Model;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>
/// A user's own account ops (<c>password</c>, <c>delete_account</c>; <c>logout</c>'s
/// <c>everywhere</c> is in the main table) and the operator's <c>admin.*</c> ops (docs/protocol.md).
/// </summary>
internal static partial class NativeCommands
{
    /// <summary>The name the operator's changes are made under in the events rooms hear.</summary>
    private const string OperatorName = "operator";

    private static async Task<Reply> Password(NativeSession s, JsonRequest r)
    {
        var changed = await s.Hub.ChangePasswordAsync(s, r.String("old"), r.String("new"));
        return changed.Ok ? Reply.With(w => w.WriteString("token", changed.Value)) : changed.Error!;
    }

    private static async Task<Reply> DeleteAccount(NativeSession s, JsonRequest r) =>
        Done(await s.Hub.DeleteAccountAsync(s, r.String("password")));

    private static async Task<Reply> AdminUsers(NativeSession s, JsonRequest r)
    {
        var limit = r.OptionalInteger("limit");
        var listed = await s.Hub.ListAccountsAsync(r.OptionalString("prefix") ?? "", r.OptionalString("after"),
            limit is { } l ? (int)Math.Min(l, int.MaxValue) : null);
        if (!listed.Ok)
            return listed.Error!;
        return Reply.With(w =>
        {
            w.WriteStartArray("users");
            foreach (var user in listed.Value!)
            {
                w.WriteStartObject();
                w.WriteString("user", user.Name);
                JsonWire.WriteTimestamp(w, Created, user.Created);
                w.WriteString("state", StateName(user.State));
                w.WriteBoolean("online", user.Online);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static readonly JsonEncodedText Created = JsonEncodedText.Encode("created");

    private static string StateName(AccountState state) => state switch
    {
        AccountState.Disabled => "disabled",
        AccountState.Deleted => "deleted",
        _ => "active",
    };

    private static async Task<Reply> AdminPassword(NativeSession s, JsonRequest r) =>
        Named(await s.Hub.ResetPasswordAsync(r.String("user"), r.String("password")));

    private static async Task<Reply> AdminDisable(NativeSession s, JsonRequest r) =>
        Named(await s.Hub.SetAccountDisabledAsync(r.String("user"), disabled: true));

    private static async Task<Reply> AdminEnable(NativeSession s, JsonRequest r) =>
        Named(await s.Hub.SetAccountDisabledAsync(r.String("user"), disabled: false));

    private static async Task<Reply> AdminDelete(NativeSession s, JsonRequest r) =>
        Named(await s.Hub.DeleteAccountByOperatorAsync(r.String("user")));

    private static Task<Reply> AdminRooms(NativeSession s, JsonRequest r)
    {
        var rooms = s.Hub.RoomOwnership();
        return Task.FromResult(Reply.With(w =>
        {
            w.WriteStartArray("rooms");
            foreach (var room in rooms)
            {
                w.WriteStartObject();
                w.WriteString("room", room.Room);
                w.WriteNumber("members", room.Members);
                w.WriteStartArray("owners");
                foreach (var owner in room.Owners)
                    w.WriteStringValue(owner);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }

    private static async Task<Reply> AdminOwner(NativeSession s, JsonRequest r)
    {
        var room = r.String("room");
        var owner = await s.Hub.SetRoomOwnerAsync(room, r.String("user"), OperatorName);
        return owner.Ok ? Reply.With(w => { w.WriteString("room", room); w.WriteString("owner", owner.Value); }) : owner.Error!;
    }

    private static async Task<Reply> AdminRemove(NativeSession s, JsonRequest r)
    {
        var room = r.OptionalString("room");
        var users = r.Has("users") ? r.StringArray("users") : null;
        if ((room is null) == (users is null))
            return Reply.Fail(room is null ? Core.Model.ErrorCodes.MissingField : Core.Model.ErrorCodes.BadField, "'admin.remove' needs 'room' or 'users' (the two of a direct conversation), not both");
        return Done(await s.Hub.RemoveMessageAsync(room, users, r.Integer("seq")));
    }

    private static async Task<Reply> AdminCreate(NativeSession s, JsonRequest r) =>
        Named(await s.Hub.CreateAccountByOperatorAsync(r.String("user"), r.String("password")));

    private static async Task<Reply> AdminInvite(NativeSession s, JsonRequest r)
    {
        var uses = r.OptionalInteger("uses") ?? 1;
        var hours = r.OptionalInteger("hours");
        if (hours is < 1 or > 24 * 366 * 10)
            return Reply.Fail(ErrorCodes.BadField, "'hours' is a whole number of hours, 1 or more");
        var made = await s.Hub.InviteAsync((int)Math.Clamp(uses, int.MinValue, int.MaxValue), hours is { } h ? TimeSpan.FromHours(h) : null);
        if (!made.Ok)
            return made.Error!;
        var invitation = made.Value!;
        return Reply.With(w =>
        {
            w.WriteString("code", invitation.Code);
            w.WriteNumber("uses", invitation.Uses);
            if (invitation.Expires is { } expires)
                JsonWire.WriteTimestamp(w, Expires, expires);
        });
    }

    private static readonly JsonEncodedText Expires = JsonEncodedText.Encode("expires");

    private static async Task<Reply> AdminUninvite(NativeSession s, JsonRequest r) =>
        Done(await s.Hub.WithdrawInvitationAsync(r.String("code")));

    /// <summary>An operator's reply: the account's name as stored.</summary>
    private static Reply Named(Result<string> result) =>
        result.Ok ? Reply.With(w => w.WriteString("user", result.Value)) : result.Error!;
}
