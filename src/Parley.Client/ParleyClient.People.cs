using System.Text.Json;
using Parley.Client.Model;

namespace Parley.Client;

/// <summary>The people ops (docs/protocol.md, "People"): the directory, profiles, blocks, opening a DM.</summary>
public sealed partial class ParleyClient
{
    /// <summary>Users whose name starts with <paramref name="prefix"/>, ignoring case, by name; <paramref name="after"/> is a previous page's <see cref="PeoplePage.Next"/>.</summary>
    public async Task<PeoplePage> FindUsersAsync(string prefix = "", int? limit = null, string? after = null, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("users", w =>
        {
            w.WriteString("prefix", prefix);
            if (limit is { } l)
                w.WriteNumber("limit", l);
            if (after is not null)
                w.WriteString("after", after);
        }, cancellationToken).ConfigureAwait(false);
        return new PeoplePage([.. reply.GetProperty("users").EnumerateArray().Select(ReadPerson)], Frames.OptionalString(reply, "next"));
    }

    /// <summary>A user's profile (this client's user's own when <paramref name="user"/> is null).</summary>
    public async Task<Person> ProfileAsync(string? user = null, CancellationToken cancellationToken = default) =>
        ReadPerson(await RequestAsync("profile", w =>
        {
            if (user is not null)
                w.WriteString("user", user);
        }, cancellationToken).ConfigureAwait(false));

    /// <summary>The profiles of several users (at most 100) in the order asked, each once; users with no account are left out.</summary>
    public async Task<IReadOnlyList<Person>> ProfilesAsync(IEnumerable<string> users, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("profile", w =>
        {
            w.WriteStartArray("users");
            foreach (var user in users)
                w.WriteStringValue(user);
            w.WriteEndArray();
        }, cancellationToken).ConfigureAwait(false);
        return [.. reply.GetProperty("profiles").EnumerateArray().Select(ReadPerson)];
    }

    /// <summary>Changes this user's display name and/or status: null leaves one as it is, "" clears it.</summary>
    public async Task<Person> SetProfileAsync(string? display = null, string? status = null, CancellationToken cancellationToken = default)
    {
        if (display is null && status is null)
            throw new ArgumentException("give a display name or a status to change", nameof(display));
        return ReadPerson(await RequestAsync("profile", w =>
        {
            if (display is not null)
                w.WriteString("display", display);
            if (status is not null)
                w.WriteString("status", status);
        }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Blocks (or, with <paramref name="on"/> false, unblocks) a user; returns its name as the server spells it.</summary>
    public async Task<string> BlockAsync(string user, bool on = true, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("block", w =>
        {
            w.WriteString("user", user);
            w.WriteBoolean("on", on);
        }, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("user").GetString()!;
    }

    /// <summary>Opens a DM before its first message, so it stays in every sign-in's list; returns the other user's name as the server spells it.</summary>
    public async Task<string> OpenDirectAsync(string with, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync("open", w => w.WriteString("with", with), cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("with").GetString()!;
    }

    private static Person ReadPerson(JsonElement e) =>
        new(e.GetProperty("user").GetString()!, e.GetProperty("online").GetBoolean(),
            Frames.OptionalString(e, "display"), Frames.OptionalString(e, "status"), Frames.Flag(e, "blocked"));
}
