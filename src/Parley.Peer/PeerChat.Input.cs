namespace Parley.Peer;

public sealed partial class PeerChat
{
    private async Task InputLoopAsync(TextReader input, CancellationToken cancellationToken)
    {
        try
        {
            while (await ReadLineAsync(input, cancellationToken) is { } line)
            {
                var typed = line.Trim();
                if (typed.Length == 0)
                    continue;
                if (typed.Equals("bye", StringComparison.OrdinalIgnoreCase) || typed.Equals("/quit", StringComparison.OrdinalIgnoreCase))
                    return;
                if (typed.StartsWith("//", StringComparison.Ordinal))
                    typed = typed[1..];
                else if (typed.StartsWith('/'))
                {
                    // Better than sending a mistyped "/qiut" to everyone.
                    var command = typed.Split(' ', 2)[0];
                    WriteLine($"unknown command {TerminalText.Neutralise(command)}: bye or /quit leaves; start a line with // to send it with a leading /");
                    continue;
                }
                await SendAsync(PeerMessage.Say(_name, typed), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Console.In reads synchronously even through ReadLineAsync, so the read runs on the thread pool:
    // a blocked terminal read then holds neither the receive loop nor cancellation (Ctrl-C) up.
    private static Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken) =>
        Task.Run(() => input.ReadLineAsync(cancellationToken).AsTask(), cancellationToken).WaitAsync(cancellationToken);
}
