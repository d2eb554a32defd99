using System.CommandLine;
using Parley.Cli.Commands;

var root = new RootCommand("Parley: a self-hosted chat server and its clients")
{
    new ServeCommand().Create(),
    new P2pCommand().Create(),
    new ChatCommand().Create(),
    new BenchCommand().Create(),
};

// The server handles Ctrl-C and SIGTERM itself (graceful stop with 'bye'); the parser must not race it.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(invocation);
