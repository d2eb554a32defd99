using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.Cli.Admin;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley admin`: the operator's tool. Accounts and rooms are changed by the running server, over
/// its admin socket (<c>DATA/admin.sock</c>), so every node and every session sees the change at
/// once and the SQLite file keeps one writer; with Redis that is the only way to reach the other
/// nodes' sessions. Backup and restore work on the SQLite file itself (<see cref="SqliteBackup"/>).
/// </summary>
public sealed class AdminCommand
{
    private readonly Option<string> _data = new("--data")
    {
        Description = "the server's data directory (its admin socket, its database) [default: ./data]",
        Recursive = true,
    };

    private readonly Option<string> _socket = new("--socket")
    {
        Description = "the admin socket, when the server's AdminSocket setting moved it [default: DATA/admin.sock]",
        Recursive = true,
    };

    private readonly Argument<string> _user = new("user") { Description = "the account's name" };
    private readonly Argument<string> _prefix = new("prefix") { Description = "list only names starting with this (any case)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<int?> _limit = new("--limit") { Description = "at most this many [default: 100, at most 1000]" };
    private readonly Option<bool> _passwordStdin = new("--password-stdin") { Description = "read the new password from the first line of standard input (else PARLEY_PASSWORD)" };
    private readonly Option<int?> _uses = new("--uses") { Description = "how many registrations the code admits [default: 1]" };
    private readonly Option<int?> _hours = new("--hours") { Description = "the code expires this many hours from now [default: never]" };
    private readonly Argument<string> _code = new("code") { Description = "the invitation code, as invite printed it" };
    private readonly Argument<string> _room = new("room") { Description = "the room's name" };
    private readonly Option<string> _inRoom = new("--room") { Description = "the message's room" };
    private readonly Option<string> _inDirect = new("--dm") { Description = "the message's direct conversation, as its two users: alice,bob" };
    private readonly Option<long> _seq = new("--seq") { Description = "the message's seq (as history shows it)", Required = true };
    private readonly Option<string> _to = new("--to") { Description = "the backup file to write", Required = true };
    private readonly Option<string> _from = new("--from") { Description = "the backup file to restore", Required = true };

    public Command Create()
    {
        var owner = new Argument<string>("user") { Description = "the member who becomes its owner" };
        var command = new Command("admin", "the operator's tool: accounts, rooms, backup and restore")
        {
            _data, _socket,
            Sub("users", "list accounts: name, state, online, created", _prefix, _limit),
            Sub("create", "make an account (whatever the Registration setting says)", _user, _passwordStdin),
            Sub("invite", "make an invitation code to register with (Registration: invite); printed this once", _uses, _hours),
            Sub("uninvite", "withdraw an invitation code", _code),
            Sub("password", "set an account's password (its sessions are signed out)", _user, _passwordStdin),
            Sub("disable", "disable an account: it cannot sign in, and is signed out everywhere at once", _user),
            Sub("enable", "enable a disabled account again", _user),
            Sub("delete", "delete an account (its messages stay; its name stays taken)", _user),
            Sub("rooms", "list rooms: name, members, owners"),
            Sub("owner", "make a member the owner of a room (its owners become admins)", _room, owner),
            Sub("remove", "remove a message's text for good, leaving a tombstone", _inRoom, _inDirect, _seq),
            Sub("backup", "copy the SQLite database while the server runs", _to),
            Sub("restore", "replace the SQLite database with a backup; only while no server uses it", _from),
        };
        return command;
    }

    private Command Sub(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            if (symbol is Option option)
                command.Options.Add(option);
            else
                command.Arguments.Add((Argument)symbol);
        }
        command.SetAction((result, cancellationToken) => RunAsync(result, Console.In, Console.Out, Console.Error, cancellationToken));
        return command;
    }

    /// <summary>Runs the parsed subcommand. 0 when done; 1 with one <c>parley admin: …</c> line on <paramref name="error"/> otherwise.</summary>
    public async Task<int> RunAsync(ParseResult result, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (result.Errors.Count > 0)
            return await FailAsync(error, string.Join("; ", result.Errors.Select(e => e.Message)));
        var data = Path.GetFullPath(result.GetValue(_data) ?? "./data");
        var database = Path.Combine(data, "parley.db");
        try
        {
            switch (result.CommandResult.Command.Name)
            {
                case "backup":
                    var to = Path.GetFullPath(result.GetValue(_to)!);
                    SqliteBackup.Backup(database, to);
                    await output.WriteLineAsync($"backed up {database} to {to}");
                    return 0;
                case "restore":
                    var from = Path.GetFullPath(result.GetValue(_from)!);
                    SqliteBackup.Restore(database, from);
                    await output.WriteLineAsync($"restored {database} from {from}");
                    return 0;
            }
            var socket = result.GetValue(_socket) is { } path ? Path.GetFullPath(path) : Path.Combine(data, ParleyServer.AdminSocketFile);
            await using var client = await AdminSocketClient.ConnectAsync(socket, cancellationToken);
            await RequestAsync(client, result, input, output, cancellationToken);
            return 0;
        }
        catch (AdminException ex)
        {
            return await FailAsync(error, ex.Message);
        }
        catch (DatabaseInUseException ex)
        {
            return await FailAsync(error, $"{data} is in use by a running parley serve{(ex.HolderPid is { } pid ? $" (pid {pid})" : "")}: stop it before restoring");
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or SqliteException or UnauthorizedAccessException)
        {
            return await FailAsync(error, ex.Message);
        }
    }

    private async Task RequestAsync(AdminSocketClient client, ParseResult result, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var name = result.CommandResult.Command.Name;
        switch (name)
        {
            case "users":
                var users = await client.RequestAsync("admin.users",
                    new Dictionary<string, object?> { ["prefix"] = result.GetValue(_prefix) ?? "", ["limit"] = result.GetValue(_limit) }, cancellationToken);
                foreach (var user in users.GetProperty("users").EnumerateArray())
                {
                    await output.WriteLineAsync(string.Join("  ",
                        user.GetProperty("user").GetString()!.PadRight(32),
                        user.GetProperty("state").GetString()!.PadRight(8),
                        (user.GetProperty("online").GetBoolean() ? "online" : "offline").PadRight(7),
                        user.GetProperty("created").GetString()));
                }
                return;
            case "create":
                var created = await client.RequestAsync("admin.create",
                    Fields(("user", result.GetValue(_user)), ("password", await PasswordAsync(result, input, cancellationToken))), cancellationToken);
                await output.WriteLineAsync($"created {created.GetProperty("user").GetString()}");
                return;
            case "invite":
                var invited = await client.RequestAsync("admin.invite", Fields(("uses", result.GetValue(_uses)), ("hours", result.GetValue(_hours))), cancellationToken);
                var expires = invited.TryGetProperty("expires", out var until) ? $", until {until.GetString()}" : "";
                await output.WriteLineAsync($"{invited.GetProperty("code").GetString()}  ({invited.GetProperty("uses").GetInt32()} use(s){expires})");
                return;
            case "uninvite":
                await client.RequestAsync("admin.uninvite", Fields(("code", result.GetValue(_code))), cancellationToken);
                await output.WriteLineAsync("invitation withdrawn");
                return;
            case "password":
                var password = await PasswordAsync(result, input, cancellationToken);
                var reset = await client.RequestAsync("admin.password", Fields(("user", result.GetValue(_user)), ("password", password)), cancellationToken);
                await output.WriteLineAsync($"password of {reset.GetProperty("user").GetString()} set; its sessions are signed out");
                return;
            case "disable" or "enable" or "delete":
                var done = await client.RequestAsync("admin." + name, Fields(("user", result.GetValue(_user))), cancellationToken);
                await output.WriteLineAsync($"{name}d {done.GetProperty("user").GetString()}");
                return;
            case "rooms":
                var rooms = await client.RequestAsync("admin.rooms", Fields(), cancellationToken);
                foreach (var room in rooms.GetProperty("rooms").EnumerateArray())
                {
                    var owners = string.Join(",", room.GetProperty("owners").EnumerateArray().Select(o => o.GetString()));
                    await output.WriteLineAsync(string.Join("  ",
                        room.GetProperty("room").GetString()!.PadRight(32),
                        room.GetProperty("members").GetInt32().ToString(CultureInfo.InvariantCulture).PadLeft(7),
                        owners.Length == 0 ? "-" : owners));
                }
                return;
            case "owner":
                var args = result.CommandResult.Command.Arguments;
                var changed = await client.RequestAsync("admin.owner",
                    Fields(("room", result.GetValue((Argument<string>)args[0])), ("user", result.GetValue((Argument<string>)args[1]))), cancellationToken);
                await output.WriteLineAsync($"{changed.GetProperty("owner").GetString()} owns {changed.GetProperty("room").GetString()}");
                return;
            case "remove":
                var inRoom = result.GetValue(_inRoom);
                var direct = result.GetValue(_inDirect)?.Split(',', StringSplitOptions.TrimEntries);
                if ((inRoom is null) == (direct is null))
                    throw new AdminException("name the message's conversation with --room ROOM or --dm USER1,USER2");
                var seq = result.GetValue(_seq);
                await client.RequestAsync("admin.remove", Fields(("room", inRoom), ("users", direct), ("seq", seq)), cancellationToken);
                await output.WriteLineAsync($"removed message {seq} of {(inRoom is not null ? inRoom : string.Join(",", direct!))}");
                return;
            default:
                throw new AdminException($"unknown subcommand '{name}'");
        }
    }

    private async Task<string> PasswordAsync(ParseResult result, TextReader input, CancellationToken cancellationToken)
    {
        var password = result.GetValue(_passwordStdin) ? await input.ReadLineAsync(cancellationToken) : Environment.GetEnvironmentVariable("PARLEY_PASSWORD");
        return string.IsNullOrEmpty(password)
            ? throw new AdminException("no password: give it on standard input with --password-stdin, or in PARLEY_PASSWORD")
            : password;
    }

    private static Dictionary<string, object?> Fields(params (string Name, object? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"parley admin: {message}");
        return 1;
    }
}
