using System.CommandLine;
using Parley.Cli.Commands;

var serve = new ServeCommand().Create();
var bench = new BenchCommand().Create();
var root = new RootCommand("Parley: a self-hosted chat server and its clients")
{
    serve,
    new P2pCommand().Create(),
    new ChatCommand().Create(),
    bench,
    new AdminCommand().Create(),
    new CertCommand().Create(),
    new SoakCommand().Create(),
};
HelpWithNotes.Install(root, new Dictionary<Command, string>
{
    [serve] = ServeCommand.SettingsHelp,
    [bench] = BenchCommand.ServerSettingsHelp,
});

// The server handles Ctrl-C and SIGTERM itself (graceful stop with 'bye'); the parser must not race it.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(invocation);
