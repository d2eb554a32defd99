using System.Text.Json;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>The people ops (docs/protocol.md, "People"): <c>users</c>, <c>profile</c>, <c>block</c>, <c>open</c>.</summary>
internal static partial class NativeCommands
{
    private static async Task<Reply> Users(NativeSession s, JsonRequest r)
    {
        var limit = r.OptionalInteger("limit");
        var page = await s.Hub.FindUsersAsync(r.OptionalString("prefix"), limit is { } l ? (int)Math.Min(l, int.MaxValue) : null, r.OptionalString("after"));
        if (!page.Ok)
            return page.Error!;
        return Reply.With(w =>
        {
            w.WriteStartArray("users");
            foreach (var person in page.Value!.Users)
            {
                w.WriteStartObject();
                WritePerson(w, person);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (page.Value.Next is { } next)
                w.WriteString("next", next);
        });
    }

    /// <summary>
    /// Reads a profile (<c>user</c>, or one's own), several (<c>users</c>), or changes one's own
    /// (<c>display</c>, <c>status</c>): one of the three at a time.
    /// </summary>
    private static async Task<Reply> Profile(NativeSession s, JsonRequest r)
    {
        if (r.Has("users"))
            return await Profiles(s, r);
        var user = r.OptionalString("user");
        var display = r.OptionalString("display");
        var status = r.OptionalString("status");
        var setting = display is not null || status is not null;
        if (setting && user is not null)
            throw new RequestException(ErrorCodes.BadField, "'profile' reads someone's profile ('user') or changes yours ('display', 'status'), not both");
        var profile = setting ? await s.Hub.SetProfileAsync(s, display, status) : await s.Hub.ProfileAsync(s, user);
        if (!profile.Ok)
            return profile.Error!;
        return Reply.With(w =>
        {
            WritePerson(w, profile.Value!);
            if (profile.Value!.Blocked)
                w.WriteBoolean("blocked", true);
        });
    }

    private static async Task<Reply> Profiles(NativeSession s, JsonRequest r)
    {
        if (r.Has("user") || r.Has("display") || r.Has("status"))
            throw new RequestException(ErrorCodes.BadField, "'profile' with 'users' reads several profiles; it takes no 'user', 'display' or 'status'");
        var found = await s.Hub.ProfilesAsync(r.StringArray("users"));
        if (!found.Ok)
            return found.Error!;
        return Reply.With(w =>
        {
            w.WriteStartArray("profiles");
            foreach (var person in found.Value!)
            {
                w.WriteStartObject();
                WritePerson(w, person);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static async Task<Reply> Block(NativeSession s, JsonRequest r)
    {
        var on = r.OptionalBoolean("on") ?? true;
        var blocked = await s.Hub.BlockAsync(s, r.String("user"), on);
        return blocked.Ok ? Reply.With(w => { w.WriteString("user", blocked.Value); w.WriteBoolean("on", on); }) : blocked.Error!;
    }

    private static async Task<Reply> Open(NativeSession s, JsonRequest r)
    {
        var opened = await s.Hub.OpenDirectAsync(s, r.String("with"));
        return opened.Ok ? Reply.With(w => w.WriteString("with", opened.Value)) : opened.Error!;
    }

    /// <summary>A person as <c>users</c> and <c>profile</c> show it: <c>user</c>, <c>online</c>, and <c>display</c>, <c>status</c> when set.</summary>
    private static void WritePerson(Utf8JsonWriter w, PersonInfo person)
    {
        w.WriteString("user", person.User);
        w.WriteBoolean("online", person.Online);
        if (person.Display is not null)
            w.WriteString("display", person.Display);
        if (person.Status is not null)
            w.WriteString("status", person.Status);
    }

    /// <summary>The sign-in reply's block list: the users whose messages the client collapses.</summary>
    private static void WriteBlocked(Utf8JsonWriter w, IReadOnlyList<string> blocked)
    {
        w.WriteStartArray("blocked");
        foreach (var name in blocked)
            w.WriteStringValue(name);
        w.WriteEndArray();
    }

    private static void WritePeopleLimits(Utf8JsonWriter w)
    {
        w.WriteNumber("usersPageMax", PeopleLimits.UsersPageMax);
        w.WriteNumber("maxDisplayNameChars", PeopleLimits.MaxDisplayNameChars);
        w.WriteNumber("maxStatusChars", PeopleLimits.MaxStatusChars);
    }
}
