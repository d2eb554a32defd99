using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Parley.Cli.Soak;

/// <summary>
/// A Parley account over IRC (PASS and NICK, with server-time and message-tags): chats in its
/// channels at the paced rate (IRC has no acknowledgement: what it sends may be lost in a crash, but
/// must never be stored twice), reconnects after any loss or, as a cutting client, on purpose, and
/// counts a live message (same msgid) received twice on one connection as a violation.
/// </summary>
public sealed class IrcSoakClient : IPresenceSubject
{
    private static readonly TimeSpan RegistrationTimeout = TimeSpan.FromSeconds(20);

    private readonly SoakWorld _world;
    private readonly Random _random;
    private readonly bool _cuts;
    private readonly IReadOnlyList<string> _rooms;
    private long _signedInSince;
    private long _offlineSince = Stopwatch.GetTimestamp();
    private long _sendNumber;
    private int _node;

    public IrcSoakClient(SoakWorld world, string name, IReadOnlyList<string> rooms, bool cuts, int node, int seed)
    {
        _world = world;
        Name = name;
        _rooms = rooms;
        _cuts = cuts;
        _node = node;
        _random = new Random(seed);
    }

    public string Name { get; }

    public long SignedInSince => Interlocked.Read(ref _signedInSince);

    public long OfflineSince => Interlocked.Read(ref _offlineSince);

    public long Sent { get; private set; }

    public long LiveReceived { get; private set; }

    public long Reconnections { get; private set; }

    public async Task RunAsync(CancellationToken traffic)
    {
        var pause = TimeSpan.FromMilliseconds(100);
        while (!traffic.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, _world.Nodes[_node].IrcPort, traffic).ConfigureAwait(false);
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await SessionAsync(socket, stream, traffic).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(100);
            }
            catch (OperationCanceledException) when (traffic.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException or TimeoutException or OperationCanceledException)
            {
            }
            finally
            {
                if (Interlocked.Exchange(ref _signedInSince, 0) != 0)
                    Interlocked.Exchange(ref _offlineSince, Stopwatch.GetTimestamp());
            }
            if (_world.Nodes.Count > 1 && _random.Next(2) == 0)
                _node = (_node + 1) % _world.Nodes.Count;
            try
            {
                await Task.Delay(pause, traffic).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 2000));
        }
    }

    private async Task SessionAsync(Socket socket, NetworkStream stream, CancellationToken traffic)
    {
        var reader = new StreamReader(stream, Encoding.UTF8);
        var writeLock = new SemaphoreSlim(1, 1);
        async Task WriteAsync(string line)
        {
            await writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                writeLock.Release();
            }
        }

        await WriteAsync("CAP LS 302").ConfigureAwait(false);
        await WriteAsync("CAP REQ :server-time message-tags").ConfigureAwait(false);
        await WriteAsync($"PASS {SoakWorld.Password}").ConfigureAwait(false);
        await WriteAsync($"NICK {Name}").ConfigureAwait(false);
        await WriteAsync($"USER {Name} 0 * :{Name}").ConfigureAwait(false);
        await WriteAsync("CAP END").ConfigureAwait(false);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connectedAt = DateTime.UtcNow;
        using var session = CancellationTokenSource.CreateLinkedTokenSource(traffic);
        var reading = Task.Run(async () =>
        {
            try
            {
                while (await reader.ReadLineAsync(session.Token).ConfigureAwait(false) is { } line)
                {
                    var message = IrcLine.Parse(line);
                    switch (message.Command)
                    {
                        case "PING":
                            await WriteAsync("PONG :" + message.Trailing).ConfigureAwait(false);
                            break;
                        case "001":
                            registered.TrySetResult();
                            break;
                        case "464":
                        case "ERROR":
                            if (!registered.Task.IsCompleted)
                                _world.Ledger.Violation($"{Name} (irc): {line}");
                            return;
                        case "PRIVMSG":
                            OnPrivmsg(message, connectedAt, seen);
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
            {
            }
        }, CancellationToken.None);

        try
        {
            if (await Task.WhenAny(registered.Task, reading, Task.Delay(RegistrationTimeout, traffic)).ConfigureAwait(false) != registered.Task)
                return;
            Interlocked.Exchange(ref _offlineSince, 0);
            Interlocked.Exchange(ref _signedInSince, Stopwatch.GetTimestamp());
            connectedAt = DateTime.UtcNow;
            if (Reconnections++ > 0)
                _world.Ledger.CountReconnection();
            var cutAt = _cuts && _world.Settings.ClientCuts ? Stopwatch.GetTimestamp() + _random.Next(10, 40) * Stopwatch.Frequency : long.MaxValue;
            while (!reading.IsCompleted && !traffic.IsCancellationRequested)
            {
                var mean = _world.Settings.SendInterval.TotalMilliseconds;
                var wait = Math.Min(-Math.Log(1 - _random.NextDouble()) * mean, mean * 5);
                if (await Task.WhenAny(reading, Task.Delay(TimeSpan.FromMilliseconds(wait), traffic)).ConfigureAwait(false) == reading)
                    break;
                if (Stopwatch.GetTimestamp() >= cutAt)
                {
                    // A reset, as a client whose network went away.
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    break;
                }
                var room = _rooms[_random.Next(_rooms.Count)];
                var text = string.Create(CultureInfo.InvariantCulture, $"{Name} irc {Interlocked.Increment(ref _sendNumber)} {new string('i', _random.Next(0, 100))}");
                _world.Ledger.IrcTexts[text] = Conversation.OfRoom(room).Key;
                Sent++;
                await WriteAsync($"PRIVMSG #{room} :{text}").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (traffic.IsCancellationRequested)
        {
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            socket.Close();
            await reading.ConfigureAwait(false);
        }
    }

    /// <summary>A message delivered live (its time after this connection signed in) must come once per connection.</summary>
    private void OnPrivmsg(IrcLine message, DateTime connectedAt, HashSet<string> seen)
    {
        if (!message.Tags.TryGetValue("msgid", out var id) || !message.Tags.TryGetValue("time", out var time))
            return;
        if (!DateTime.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var sent) || sent <= connectedAt.AddSeconds(1))
            return;
        LiveReceived++;
        if (!seen.Add(id))
            _world.Ledger.Violation($"{Name} (irc): message {id} received twice on one connection");
    }
}
