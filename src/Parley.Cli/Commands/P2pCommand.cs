using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Parley.Peer;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley p2p`: chat with peers directly over UDP, no server (docs/p2p.md). Typed lines go to every
/// peer; received lines print as they arrive; "bye", "/quit", end of input or Ctrl-C ends it and tells
/// the peers.
/// </summary>
public sealed class P2pCommand(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly Option<string> _listen = new("--listen")
    {
        Description = "PORT (on 127.0.0.1) or ADDR:PORT to receive on; 0.0.0.0:PORT to chat across the network; port 0 picks one",
        Required = true,
    };

    private readonly Option<string[]> _peers = new("--peer")
    {
        Description = "HOST:PORT of a peer to send to; repeat for several",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _name = new("--name")
    {
        // No DefaultValueFactory: help would show this machine's user name as if it were fixed.
        Description = "name shown to peers [default: your user name]",
    };

    public Command Create()
    {
        var command = new Command("p2p", "chat directly with peers over UDP, no server") { _listen, _peers, _name };
        command.SetAction(async (result, cancellationToken) =>
        {
            // Program.cs leaves Ctrl-C and SIGTERM to each command. Here the first one ends the chat politely
            // (peers get the "left" notice); a second one, if that ever hangs, terminates as usual.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            void Leave(PosixSignalContext context)
            {
                context.Cancel = !stop.IsCancellationRequested;
                stop.Cancel();
            }
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave);
            using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave);
            return await RunAsync(result, Console.In, Console.Out, Console.Error, stop.Token);
        });
        return command;
    }

    /// <summary>
    /// Runs the chat on the given streams. The first output line says where it listens, with the real port
    /// when --listen asked for port 0. Returns 0 after a normal end, 1 if it could not start or failed.
    /// </summary>
    public async Task<int> RunAsync(ParseResult result, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (result.Errors.Count > 0)
            return await FailAsync(error, string.Join("; ", result.Errors.Select(e => e.Message)));

        var name = (result.GetValue(_name) ?? Environment.UserName).Trim();
        if (PeerCodec.CheckName(name) is { } nameProblem)
            return await FailAsync(error, $"--name: {nameProblem}");
        if (!TerminalText.IsSafe(name))
            return await FailAsync(error, "--name: the name contains control characters");

        if (!PeerEndpoints.TryParseListen(result.GetValue(_listen) ?? "", out var listen, out var listenProblem))
            return await FailAsync(error, listenProblem);

        var peers = new List<IPEndPoint>();
        foreach (var value in result.GetValue(_peers) ?? [])
        {
            if (!PeerEndpoints.TryParsePeer(value, out var peer, out var peerProblem))
                return await FailAsync(error, peerProblem);
            var (endpoint, resolveProblem) = await PeerEndpoints.ResolveAsync(peer, listen, cancellationToken);
            if (endpoint is null)
                return await FailAsync(error, resolveProblem!);
            peers.Add(endpoint);
        }

        PeerChat chat;
        try
        {
            chat = PeerChat.Bind(listen, name, peers, output, _time);
        }
        catch (SocketException ex)
        {
            return await FailAsync(error, $"cannot listen on {listen}: {ex.Message}");
        }

        using (chat)
        {
            var peerList = string.Join(", ", peers.Select(PeerRenderer.Address));
            await output.WriteLineAsync($"p2p: listening on {PeerRenderer.Address(chat.LocalEndPoint)} as {name}, sending to {peerList}; type a line to send it, bye or /quit to leave");
            await output.FlushAsync(CancellationToken.None);
            try
            {
                await chat.RunAsync(input, cancellationToken);
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                return await FailAsync(error, ex.Message);
            }
        }
        return 0;
    }

    private static async Task<int> FailAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync($"parley p2p: {message}");
        await error.FlushAsync(CancellationToken.None);
        return 1;
    }
}
