using System.CommandLine;
using Parley.Cli.Chat;
using Parley.Client;
using Parley.Client.Model;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley chat`: the terminal client. On a terminal it is interactive (line editor, colours,
/// prompts for the password without echo). With standard input redirected it is a script: each
/// input line is sent (commands work too) and it exits once all are acknowledged.
/// </summary>
public sealed class ChatCommand
{
    private readonly Option<string> _server = new("--server") { Description = "HOST:PORT of the server's native listener", DefaultValueFactory = _ => "127.0.0.1:7878" };
    private readonly Option<string?> _user = new("--user") { Description = "your user name (asked for on a terminal when missing)" };
    private readonly Option<string> _room = new("--room") { Description = "the room to open", DefaultValueFactory = _ => "lobby" };
    private readonly Option<bool> _passwordStdin = new("--password-stdin") { Description = "read the password from the first line of standard input" };
    private readonly Option<bool> _register = new("--register") { Description = "create the account if it does not exist (for scripts)" };
    private readonly Option<string?> _invite = new("--invite") { Description = "the invitation code to register with, where the server registers by invitation (implies --register)" };
    private readonly Option<bool> _tls = new("--tls") { Description = "speak TLS (the server's tcp+tls listener); --ca or --pin imply it" };
    private readonly Option<string?> _ca = new("--ca") { Description = "PEM file of the certificate(s) to trust for this server instead of the system's (a self-signed server's own certificate)" };
    private readonly Option<string?> _pin = new("--pin") { Description = "the server certificate's SHA-256 fingerprint (from parley cert): that certificate alone is accepted" };

    public Command Create()
    {
        var command = new Command("chat", "chat from the terminal; pipe lines in to script it")
        {
            _server, _user, _room, _passwordStdin, _register, _invite, _tls, _ca, _pin,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
            var settings = new ChatSettings(result.GetValue(_server)!, result.GetValue(_user), result.GetValue(_room)!,
                result.GetValue(_passwordStdin), result.GetValue(_register) || result.GetValue(_invite) is not null, Environment.GetEnvironmentVariable("PARLEY_PASSWORD"),
                result.GetValue(_invite))
            {
                Tls = result.GetValue(_tls),
                CaFile = result.GetValue(_ca),
                Pin = result.GetValue(_pin),
            };
            return RunAsync(settings, Console.In, Console.Out, Console.Error, interactive, cancellationToken);
        });
        return command;
    }

    public sealed record ChatSettings(string Server, string? User, string Room, bool PasswordStdin, bool Register, string? PasswordFromEnvironment, string? Invite = null)
    {
        /// <summary>TLS to the server's tcp+tls listener; on when <see cref="CaFile"/> or <see cref="Pin"/> is given.</summary>
        public bool Tls { get; init; }

        public string? CaFile { get; init; }

        public string? Pin { get; init; }

        public ParleyClientOptions ClientOptions() => new()
        {
            Server = Server,
            Tls = Tls || CaFile is not null || Pin is not null,
            TlsCaFile = CaFile,
            TlsPin = Pin,
        };
    }

    public static async Task<int> RunAsync(ChatSettings settings, TextReader input, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken)
    {
        var user = settings.User ?? (interactive ? TerminalChatView.AskLine("user: ", secret: false).Trim() : null);
        if (string.IsNullOrEmpty(user))
            return Fail(error, "no user name: give --user NAME");
        var password = settings.PasswordStdin ? await input.ReadLineAsync(cancellationToken)
            : settings.PasswordFromEnvironment ?? (interactive ? TerminalChatView.AskLine($"password for {user}: ", secret: true) : null);
        if (string.IsNullOrEmpty(password))
            return Fail(error, "no password: on a terminal it is asked for; scripts use --password-stdin or PARLEY_PASSWORD");

        ParleyClient client;
        try
        {
            client = await ParleyClient.ConnectAsync(settings.ClientOptions(), cancellationToken);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or FormatException or IOException
                                       or System.Security.Authentication.AuthenticationException or System.Security.Cryptography.CryptographicException)
        {
            return Fail(error, $"cannot connect to {settings.Server}: {ex.Message}");
        }
        await using (client)
        {
            SessionInfo session;
            try
            {
                session = await SignInAsync(client, user, password, settings.Register, settings.Invite, interactive);
            }
            catch (ParleyException ex)
            {
                return Fail(error, ex.Code == "bad_credentials" && !settings.Register && !interactive
                    ? $"{ex.Message} (add --register to create the account)"
                    : ex.Message);
            }

            var colour = interactive && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            var terminal = interactive ? new TerminalChatView() : null;
            IChatView view = terminal is null ? new PlainChatView(output) : terminal;
            var app = new ChatApp(client, view, new MessageFormatter(session.User, colour), interactive);
            if (terminal is not null)
            {
                terminal.Complete = app.CompleteName;
                terminal.CompletePath = PathCompletion.Candidates;
            }
            if (interactive)
                view.Print(new MessageFormatter(session.User, colour).Info($"signed in as {session.User}; /help lists commands"));
            await app.StartAsync(session, settings.Room);
            var events = app.PumpEventsAsync();

            if (terminal is not null)
            {
                terminal.Typed += app.UserTyped;
                var lines = terminal.Start();
                while (await lines.ReadAsync(cancellationToken) is { } line && await app.HandleLineAsync(line))
                {
                }
                Console.Out.Write("\r\n");
            }
            else
            {
                while (await input.ReadLineAsync(cancellationToken) is { } line && await app.HandleLineAsync(line))
                {
                }
            }
            await client.DisposeAsync();
            await events;
            return !interactive && app.Failures > 0 ? 1 : 0;
        }
    }

    /// <summary>Logs in; if that fails, registers when the user asked for it (flag or prompt).</summary>
    private static async Task<SessionInfo> SignInAsync(ParleyClient client, string user, string password, bool register, string? invite, bool interactive)
    {
        try
        {
            return await client.LoginAsync(user, password);
        }
        catch (ParleyException ex) when (ex.Code == "bad_credentials")
        {
            var wanted = register || interactive &&
                TerminalChatView.AskLine($"login failed. Register '{user}' as a new user? [y/N] ", secret: false).Trim().StartsWith('y');
            if (!wanted)
                throw;
            try
            {
                return invite is null ? await client.RegisterAsync(user, password) : await client.RegisterAsync(user, password, invite);
            }
            catch (ParleyException taken) when (taken.Code == "user_exists")
            {
                throw new ParleyException("bad_credentials", $"'{user}' exists and that is not its password");
            }
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"parley chat: {message}");
        return 1;
    }
}
