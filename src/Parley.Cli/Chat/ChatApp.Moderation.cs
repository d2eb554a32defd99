using System.Globalization;
using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>Running the current room from the terminal: /room, /invite, /kick, /ban, /mute, /op, /owner, /private, /delete.</summary>
public sealed partial class ChatApp
{
    private async Task<bool> RoomInfo()
    {
        if (CurrentRoom("/room") is not { } room)
            return true;
        var info = await client.RoomAsync(room);
        var settings = (info.Private ? ", private" : "") + (info.Moderated ? ", moderated" : "") + (info.TopicLocked ? ", topic locked" : "");
        view.Print(format.Info($"#{info.Room} ({info.Members} members{settings}); you are {info.Role}"));
        var roles = info.Roles.Count == 0 ? "none" : string.Join(", ", info.Roles.Select(r => $"{r.User} ({r.Role})"));
        view.Print(format.Info($"roles: {TerminalText.Neutralise(roles)}"));
        if (info.Bans.Count > 0)
            view.Print(format.Info($"banned: {TerminalText.Neutralise(string.Join(", ", info.Bans.Select(Describe)))}"));
        if (info.Mutes.Count > 0)
            view.Print(format.Info($"muted: {TerminalText.Neutralise(string.Join(", ", info.Mutes.Select(Describe)))}"));
        return true;
    }

    private static string Describe(Restriction r) => r.Until is { } until ? $"{r.User} until {until.ToLocalTime():yyyy-MM-dd HH:mm}" : r.User;

    /// <summary>/invite, /kick, /ban, /unban, /mute, /unmute, /op, /deop, /owner: USER, then a duration (/ban, /mute) and a reason (/kick, /ban).</summary>
    private async Task<bool> OnMember(string command, string args)
    {
        if (Usage(command, args) || CurrentRoom("/" + command) is not { } room)
            return true;
        var words = args.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var user = words[0].TrimStart('@');
        var rest = words.Length > 1 ? words[1] : null;
        DateTimeOffset? until = null;
        if (command is "ban" or "mute" && rest is not null && Duration(rest.Split(' ')[0]) is { } lasting)
        {
            until = DateTimeOffset.UtcNow + lasting;
            rest = rest.IndexOf(' ') is var space and > 0 ? rest[(space + 1)..] : null;
        }
        var done = command switch
        {
            "invite" => $"added {await client.InviteAsync(room, user)} to #{room}",
            "kick" => $"removed {await client.KickAsync(room, user, rest)} from #{room}",
            "ban" => $"banned {await client.BanAsync(room, user, until, rest)} from #{room}{Until(until)}",
            "unban" => $"lifted the ban on {await client.UnbanAsync(room, user)} in #{room}",
            "mute" => $"muted {await client.MuteAsync(room, user, until)} in #{room}{Until(until)}",
            "unmute" => $"{await client.UnmuteAsync(room, user)} may speak in #{room} again",
            "op" => $"{await client.SetRoleAsync(room, user, "admin")} is an admin of #{room}",
            "deop" => $"{await client.SetRoleAsync(room, user, "member")} is a plain member of #{room}",
            _ => $"{await client.SetRoleAsync(room, user, "owner")} owns #{room} now; you are an admin",
        };
        view.Print(format.Info(TerminalText.Neutralise(done)));
        return true;
    }

    private static string Until(DateTimeOffset? until) => until is { } end ? $" until {end.ToLocalTime():yyyy-MM-dd HH:mm}" : "";

    /// <summary>"30m", "2h", "7d" (or seconds, "90s"); null when the word is not one, so it starts the reason.</summary>
    public static TimeSpan? Duration(string word)
    {
        if (word.Length < 2 || !long.TryParse(word.AsSpan(0, word.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 3650)
            return null;
        return char.ToLowerInvariant(word[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    private async Task<bool> SetPrivate(bool isPrivate)
    {
        if (CurrentRoom(isPrivate ? "/private" : "/public") is not { } room)
            return true;
        await client.RoomAsync(room, isPrivate: isPrivate);
        view.Print(format.Info(isPrivate ? $"#{room} is private: only people added with /invite join it" : $"#{room} is public: listed, and anyone may join"));
        return true;
    }

    private async Task<bool> Delete(string args)
    {
        if (Usage("delete", args))
            return true;
        var room = args.TrimStart('#');
        await client.DeleteRoomAsync(room);
        await MoveOffAsync(room);
        return true;
    }

    /// <summary>The room the command acts on: the current conversation's, or an error when it is a direct one.</summary>
    private string? CurrentRoom(string command)
    {
        if (_current.Room is { } room)
            return room;
        Failures++;
        view.Print(format.Error($"{command} acts on a room; switch to one first"));
        return null;
    }
}
