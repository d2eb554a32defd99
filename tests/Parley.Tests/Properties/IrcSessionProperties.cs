using System.Buffers;
using System.Text;
using CsCheck;
using Parley.Core.Cluster;
using Parley.Core.Hub;
using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Protocol.Irc;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Properties;

/// <summary>
/// <see cref="IrcSession"/> driven without a socket, on a real hub and SQLite store: random lines,
/// near-IRC and not, before and after registering. No line throws out of
/// <see cref="IrcSession.HandleLineAsync"/>, and no command handler fails (the server would log a
/// failed request: that is a bug, not an answer).
/// </summary>
public sealed class IrcSessionProperties : IAsyncLifetime
{
    private readonly string _directory = TempDirectory.Create();
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        _hub = new ChatHub(_store, new InProcessBackplane(_store), new IdentityPasswordHasher(1000), TimeProvider.System, new ChatLimits());
        await _hub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private static readonly Gen<string> Verb = Gen.OneOf(
        "NICK", "USER", "PASS", "CAP", "AUTHENTICATE", "JOIN", "PART", "PRIVMSG", "NOTICE", "TOPIC", "MODE", "NAMES", "LIST",
        "WHO", "WHOIS", "WHOWAS", "KICK", "INVITE", "AWAY", "PING", "PONG", "MONITOR", "CHATHISTORY", "TAGMSG", "MARKREAD",
        "REDACT", "LUSERS", "MOTD", "VERSION", "ISON", "USERHOST", "HELP", "OPER", "KILL", "QUIT", "XYZZY", "001");

    private static readonly Gen<string> Param = Gen.OneOf(
        Gen.OneOf("#lobby", "#new", "alice", "guest1", "*", "0", "+o", "-b", "LS", "REQ", "END", "302", "PLAIN", "+", "AGFsaWNlAHBhc3N3b3JkMQ==",
            "BEFORE", "LATEST", "timestamp=2026-11-25T13:37:11.302Z", "msgid=x", "999999999999", "-1", "#a,#b,alice", "\u00e9"),
        Gen.String[Gen.Char["abc#&*,:+-=@!0 \u00e9"], 1, 12]);

    private static readonly Gen<byte[]> Line = Gen.Frequency(
        (6, Gen.Select(Gen.OneOf("", "@label=1 ", "@+draft/reply=x;time=y ", ":alice!a@h "), Verb, Param.Array[0, 6], Gen.Bool,
            (tags, verb, parameters, trailing) => Encoding.UTF8.GetBytes(tags + verb + string.Concat(parameters.Select((p, i) =>
                " " + (trailing && i == parameters.Length - 1 ? ":" + p : p.Replace(" ", ""))))))),
        (1, Gens.Bytes.Select(b => b.Where(c => c != '\n').ToArray())));

    /// <summary>Registers as a guest first half the time, so the commands after sign-in run too.</summary>
    private static readonly Gen<(bool Register, byte[][] Lines)> Sessions = Gen.Select(Gen.Bool, Line.Array[1, 25]);

    [Fact]
    public async Task No_line_throws_and_no_handler_fails()
    {
        var info = new IrcServerInfo("parley.test", "ParleyTest", "hello", DateTimeOffset.UtcNow);
        var encoder = new IrcEventEncoder(info);
        var guest = 0;
        await Sessions.SampleAsync(async session =>
        {
            var (register, lines) = session;
            var irc = new IrcSession(_hub, encoder, info, new ConnectionOptions { RateBurst = 100_000, RatePerSecond = 100_000 }, TimeProvider.System);
            var failures = new List<string>();
            irc.Failed += (request, ex) => failures.Add($"{request}: {ex.GetType().Name}: {ex.Message}");
            if (register)
            {
                var nick = $"guest{Interlocked.Increment(ref guest)}";
                foreach (var setup in new[] { $"NICK {nick}", $"USER {nick} 0 * :{nick}" })
                    await irc.HandleLineAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(setup)));
            }
            foreach (var line in lines)
            {
                await irc.HandleLineAsync(new ReadOnlySequence<byte>(line));
                while (irc.Outbound.TryRead(out _))
                {
                    // Drained as the connection's writer would, so the queue never fills.
                }
            }
            await irc.EndAsync();
            Assert.Empty(failures);
        }, iter: 60, threads: 1, print: t => (t.Register ? "registered; " : "") + string.Join(" | ", t.Lines.Select(Encoding.UTF8.GetString)));
    }

    /// <summary>
    /// A subject echoed as a middle parameter (HELP's 524) with CR, LF or NUL in it is echoed as '*':
    /// written as it came, it would cut the reply line and start one of the client's choosing.
    /// </summary>
    [Theory]
    [InlineData("HELP :x\ry")]
    [InlineData("HELP :x\ny")]
    [InlineData("HELP :x\0y")]
    public async Task Line_breaks_and_nul_in_an_echoed_middle_become_a_star(string line)
    {
        var info = new IrcServerInfo("parley.test", "ParleyTest", "hello", DateTimeOffset.UtcNow);
        var irc = new IrcSession(_hub, new IrcEventEncoder(info), info, new ConnectionOptions(), TimeProvider.System);
        foreach (var setup in new[] { "NICK breaker", "USER breaker 0 * :breaker", line })
            await irc.HandleLineAsync(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(setup)));
        var replies = new List<string>();
        while (irc.Outbound.TryRead(out var frame))
            replies.Add(Encoding.UTF8.GetString(frame));
        await irc.EndAsync();
        var notFound = Assert.Single(replies, r => r.Contains(" 524 "));
        Assert.Contains(" 524 breaker * :", notFound);
        Assert.All(replies, r => Assert.Equal(-1, r.TrimEnd('\r', '\n').IndexOfAny(['\r', '\n', '\0'])));
    }
}
