using System.Net.Sockets;
using System.Text;

namespace Parley.Tests.Support;

/// <summary>
/// A raw IRC client over real TCP, independent of the server's codec: it writes lines as text
/// and keeps every line received, for tests to wait on by polling.
/// </summary>
public sealed class IrcClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private int _taken;

    private IrcClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<IrcClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new IrcClient(tcp);
    }

    /// <summary>Connects and registers with PASS, NICK and USER, then waits for the end of the MOTD.</summary>
    public static async Task<IrcClient> SignInAsync(int port, string nick, string password = "password1", params string[] caps)
    {
        var client = await ConnectAsync(port);
        await client.NegotiateAsync(caps);
        await client.SendAsync($"PASS {password}");
        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick}");
        await client.NextAsync(l => Numeric(l) is "376" or "422");
        return client;
    }

    /// <summary>Connects and registers as a guest (NICK and USER only), then waits for the end of the MOTD.</summary>
    public static async Task<IrcClient> GuestAsync(int port, string nick, params string[] caps)
    {
        var client = await ConnectAsync(port);
        await client.NegotiateAsync(caps);
        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick}");
        await client.NextAsync(l => Numeric(l) is "376" or "422");
        return client;
    }

    /// <summary>CAP LS 302, REQ of <paramref name="caps"/> (waiting for the ACK), END; nothing when none are asked for.</summary>
    private async Task NegotiateAsync(string[] caps)
    {
        if (caps.Length == 0)
            return;
        await SendAsync("CAP LS 302");
        await SendAsync($"CAP REQ :{string.Join(' ', caps)}");
        await NextAsync(l => l.Contains(" CAP ") && l.Contains(" ACK "));
        await SendAsync("CAP END");
    }

    public Task Closed => _closed.Task;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    public Task SendAsync(string line) => SendBytesAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Waits for the next line (after those already taken) that matches, and takes every line up to it.</summary>
    public async Task<string> NextAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        string? found = null;
        bool Take()
        {
            lock (_lines)
            {
                for (var i = _taken; i < _lines.Count; i++)
                {
                    if (match(_lines[i]))
                    {
                        found = _lines[i];
                        _taken = i + 1;
                        return true;
                    }
                }
                return false;
            }
        }
        try
        {
            await Until.TrueAsync(Take, "an IRC line arrives", timeout ?? TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException timedOut)
        {
            // Says what did arrive, so a failure can be read without running it again.
            throw new TimeoutException($"{timedOut.Message}; lines not taken: [{string.Join(" | ", Untaken())}]");
        }
        return found!;
    }

    private List<string> Untaken()
    {
        lock (_lines)
            return _lines.Skip(_taken).TakeLast(20).ToList();
    }

    /// <summary>The next numeric reply with this code.</summary>
    public Task<string> NumericAsync(string code) => NextAsync(l => Numeric(l) == code);

    /// <summary>The command or numeric of a line (after any tags and source).</summary>
    public static string? Numeric(string line)
    {
        var words = line.Split(' ');
        var i = 0;
        if (i < words.Length && words[i].StartsWith('@'))
            i++;
        if (i < words.Length && words[i].StartsWith(':'))
            i++;
        return i < words.Length ? words[i] : null;
    }

    /// <summary>True when no line from those not yet taken matches.</summary>
    public bool HasNo(Func<string, bool> match)
    {
        lock (_lines)
            return !_lines.Skip(_taken).Any(match);
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(_stream, new UTF8Encoding(false), leaveOpen: true);
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_lines)
                    _lines.Add(line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        await _reading.ConfigureAwait(false);
    }
}
