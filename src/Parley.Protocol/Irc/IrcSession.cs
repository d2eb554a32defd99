using System.Buffers;
using System.Collections.Concurrent;
using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;

namespace Parley.Protocol.Irc;

/// <summary>
/// One IRC connection. The transport feeds it lines with <see cref="HandleLineAsync"/> from one
/// reader loop, one after another, and drains <see cref="Outbound"/> from one writer loop with
/// <see cref="WriteTo"/>, which cuts the tags the client did not negotiate. Same limits as the
/// native protocol: a token bucket per line, a bounded queue, a slow reader cut off alone.
///
/// Events reaching the session before its welcome (a SASL login attaches it to the hub early)
/// are held and written after the welcome burst, so a client never sees a PRIVMSG before 001.
/// </summary>
public sealed partial class IrcSession : QueuedSession
{
    private readonly IrcEventEncoder _encoder;
    private readonly IrcRedactionEncoder _redactions;
    private readonly ConnectionOptions _options;
    private readonly TimeProvider _time;
    private TokenBucket _bucket;
    private readonly Lock _gate = new();
    private List<Broadcast>? _held = [];
    // Deliveries past the check of _held and not yet written: HoldEvents waits for them.
    private int _writing;
    /// <summary>Room → seq replayed up to. Room names compare ignoring ASCII case, as <c>Names.Key</c> does, without a lowered copy per delivery.</summary>
    private readonly ConcurrentDictionary<string, long> _replayedUpTo = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _everReplayed;
    private volatile int _caps;
    private readonly ITimer? _pinger;
    private volatile bool _heard = true;
    private bool _pinged;

    public IrcSession(ChatHub hub, IrcEventEncoder encoder, IrcServerInfo info, ConnectionOptions options, TimeProvider time, string? remoteAddress = null)
        : base(options, time)
    {
        RemoteAddress = remoteAddress;
        Hub = hub;
        Metrics = hub.Metrics;
        Info = info;
        _encoder = encoder;
        _redactions = new IrcRedactionEncoder(time);
        _options = options;
        _time = time;
        if (info.PingInterval > TimeSpan.Zero)
            _pinger = time.CreateTimer(_ => PingIfSilent(), null, info.PingInterval, info.PingInterval);
    }

    /// <summary>
    /// Each interval: a client heard from is fine; a silent one is sent a PING; one still silent
    /// an interval after its PING is gone (TCP keepalive would notice only much later).
    /// </summary>
    private void PingIfSilent()
    {
        if (_heard)
        {
            _heard = false;
            _pinged = false;
        }
        else if (!_pinged)
        {
            _pinged = true;
            Send(new IrcMessage(null, "PING", Info.ServerName));
        }
        else
        {
            _pinger?.Dispose();
            QuitReason = $"Ping timeout: {Info.PingInterval.TotalSeconds:0} seconds";
            Close(ByeReasons.PingTimeout);
        }
    }

    public ChatHub Hub { get; }

    public IrcServerInfo Info { get; }

    internal IrcEventEncoder Encoder => _encoder;

    /// <summary>Recalls as REDACT, for a client with draft/message-redaction.</summary>
    internal IrcRedactionEncoder Redactions => _redactions;

    /// <summary>The server's clock (a fake one in tests), for replies that tell the time.</summary>
    internal TimeProvider Time => _time;

    private protected override ConnectionOptions Limits => _options;

    private protected override TimeProvider Clock => _time;



    /// <summary>extended-monitor: the users this client MONITORs are followed like channel peers (AWAY, SETNAME with their caps).</summary>
    public override bool FollowsWatchedActivity => Caps.HasFlag(IrcCaps.ExtendedMonitor);

    /// <summary>An IRC client keeps each channel's nick list from NAMES, JOIN, PART and QUIT.</summary>
    public override bool KeepsFullMemberLists => true;

    /// <summary>MONITOR's 730/731 come besides the QUIT or JOIN a shared channel shows.</summary>
    public override bool WatchesAsMonitor => true;

    public IrcCaps Caps
    {
        get => (IrcCaps)_caps;
        internal set => _caps = (int)value;
    }

    /// <summary>The nick to address replies to: the account once signed in, else what NICK gave, else "*".</summary>
    public string Nick => User ?? RequestedNick ?? "*";

    /// <summary>True once the welcome burst has been sent.</summary>
    public bool Registered { get; private set; }

    /// <summary>An IRC operator has every room power, as the server's admins do.</summary>
    public override bool HasServerPowers => _operator;

    /// <summary>Set by a successful OPER: may KILL and WALLOPS. Counted for LUSERS.</summary>
    internal bool IsOperator
    {
        get => _operator;
        set
        {
            if (_operator != value)
                Info.Stats.OperatorChanged(value);
            _operator = value;
        }
    }

    private bool _operator;

    private IrcTagFilter TagFilter
    {
        get
        {
            var caps = Caps;
            if (caps.HasFlag(IrcCaps.MessageTags))
                return IrcTagFilter.All;
            var filter = IrcTagFilter.None;
            if (caps.HasFlag(IrcCaps.ServerTime))
                filter |= IrcTagFilter.Time;
            if (caps.HasFlag(IrcCaps.Batch))
                filter |= IrcTagFilter.Batch;
            if (caps.HasFlag(IrcCaps.LabeledResponse))
                filter |= IrcTagFilter.Label;
            return filter;
        }
    }

    /// <summary>Writes one queued frame to the transport's output, with only the tags this client asked for.</summary>
    public void WriteTo(byte[] frame, IBufferWriter<byte> output)
    {
        IrcTags.Copy(frame, TagFilter, output);
    }

    public override bool TryDeliver(Broadcast broadcast)
    {
        // Let go (a slow consumer's goodbye is all it has left) or gone: nothing can be queued.
        if (IsFinished)
            return true;
        // The client has hung up: others' departures are no use to it (a mass disconnect would
        // queue each one for every leaver). Its own commands' echoes (JOIN, PART, NICK, ...) come as
        // events, so only others' presence and leaving are dropped.
        if (EventsStopped && (broadcast.Event is PresenceEvent
            || broadcast.Event is MembershipEvent { Joined: false } left && !string.Equals(left.User, User, StringComparison.OrdinalIgnoreCase)))
            return true;
        // Held only during the welcome and a JOIN's burst: the lock is skipped the rest of the
        // time. The count makes the check and the write one step as HoldEvents sees it: without
        // it, a delivery that found nothing held could write after a JOIN line had gone out, and
        // so show a message the burst's history shows again.
        Interlocked.Increment(ref _writing);
        try
        {
            if (Volatile.Read(ref _held) is not null)
            {
                lock (_gate)
                {
                    if (_held is not null)
                    {
                        _held.Add(broadcast);
                        return _held.Count <= _options.OutboundQueueLimit;
                    }
                }
            }
            return Write(broadcast);
        }
        finally
        {
            Interlocked.Decrement(ref _writing);
        }
    }

    private bool Write(Broadcast broadcast)
    {
        if (broadcast.Event is MessageEvent { Message: { Room: { } room } message } && IsReplayed(room, message.Seq))
            return true;
        if (broadcast.Event is PresenceEvent { Online: true } back)
            return RejoinShared(back.User);
        if (broadcast.Event is ReadEvent read)
            return WriteReadMoved(read);
        if (broadcast.Event is AwayEvent && !Caps.HasFlag(IrcCaps.AwayNotify))
            return true;
        if (broadcast.Event is SignalEvent or MessageChangedEvent { Kind: MessageChangeKind.React } && !Caps.HasFlag(IrcCaps.MessageTags))
            return true;
        // WALLOPS reach +w users, and their sender as an echo.
        if (broadcast.Event is AnnouncementEvent wallops && !ReceivesWallops && !string.Equals(wallops.From, User, StringComparison.OrdinalIgnoreCase))
            return true;
        if (broadcast.Event is RealNameEvent or ProfileEvent && !Caps.HasFlag(IrcCaps.Setname))
            return true;
        if (broadcast.Event is RoomDeletedEvent deleted)
            return TryQueue(new IrcMessage(IrcServerInfo.Source(deleted.By), "KICK", IrcServerInfo.Channel(deleted.Room), Nick, "room deleted") { Trailing = true }.ToBytes());
        if (broadcast.Event is WatchEvent watch)
            return TryQueue(IrcCommands.MonitorLine(Info.ServerName, Nick, watch).ToBytes());
        if (broadcast.Event is InviteEvent invite && !Caps.HasFlag(IrcCaps.InviteNotify)
            && !string.Equals(invite.User, User, StringComparison.OrdinalIgnoreCase))
            return true;
        // Lines only some clients get, each encoded once for all of them: away-notify shows someone
        // away who joins as away at once (JOIN and AWAY); draft/message-redaction shows a recall as REDACT.
        IEventEncoder encoder = broadcast.Event switch
        {
            MembershipEvent { Joined: true, Away: not null } when Caps.HasFlag(IrcCaps.AwayNotify) => IrcAwayNotifyEncoder.Instance,
            MessageChangedEvent { Kind: MessageChangeKind.Recall } when Caps.HasFlag(IrcCaps.MessageRedaction) => _redactions,
            _ => _encoder,
        };
        var bytes = broadcast.EncodedWith(encoder);
        if (bytes.Length == 0)
            return true;
        // An event fanned out inside this session's labeled command (its NICK, MODE, KICK,
        // INVITE, WALLOPS: the hub delivers those to everyone, the sender included, as the
        // command runs) is that command's reply. A message is never one: the hub skips the
        // sending session, and one fanned out in this run (a sequencer releasing the messages
        // queued ahead of this one's) is someone else's.
        if (broadcast.Event is not MessageEvent && LabeledRun.Value is { } labeled && labeled.Session == this && labeled.TryAdd(bytes))
            return true;
        return TryQueue(bytes);
    }

    /// <summary>A user came back online: it reappears, by a JOIN, in each channel this client shares with it (its QUIT took it out).</summary>
    private bool RejoinShared(string user)
    {
        if (User is not { } me)
            return true;
        foreach (var room in Hub.SharedRooms(me, user))
        {
            if (!TryQueue(new IrcMessage(IrcServerInfo.Source(user), "JOIN", IrcServerInfo.Channel(room)).ToBytes()))
                return false;
        }
        return true;
    }

    /// <summary>The ERROR line says what others are told (a QUIT message, a KILL with its reason) when there is such a reason.</summary>
    protected override byte[] EncodeBye(string reason) => _encoder.Encode(new ByeEvent(QuitReason ?? reason));

    /// <summary>Queues a reply; a client too slow to take it is cut off.</summary>
    internal void Send(IrcMessage message) => Send(message.ToBytes());

    /// <summary>
    /// Queues a reply already encoded (an echo of the client's own message). A reply of a labeled
    /// command's run is gathered instead, and written labeled when the command ends.
    /// </summary>
    internal void Send(byte[] bytes)
    {
        if (bytes.Length == 0)
            return;
        if (LabeledRun.Value is { } labeled && labeled.Session == this && labeled.TryAdd(bytes))
            return;
        if (!TryQueue(bytes))
            Close(ByeReasons.SlowConsumer);
    }

    /// <summary>Queues a line as an event would be, outside any labeled reply (the copy of a message to oneself as its recipient).</summary>
    internal void Deliver(byte[] bytes)
    {
        if (bytes.Length > 0 && !TryQueue(bytes))
            Close(ByeReasons.SlowConsumer);
    }

    /// <summary>An IRCv3 standard reply: <c>FAIL command CODE [context…] :description</c>.</summary>
    internal void FailReply(string command, string code, params string[] contextAndDescription) =>
        Send(new IrcMessage(Info.ServerName, "FAIL", SafeMiddles([command, code, .. contextAndDescription])) { Trailing = true });

    /// <summary>A numeric reply from the server: <c>:server CODE nick params…</c>.</summary>
    internal void Numeric(string code, params string[] parameters) =>
        Send(new IrcMessage(Info.ServerName, code, SafeMiddles([Nick, .. parameters])) { Trailing = true });

    /// <summary>
    /// Replies echo what the client sent (a nick, a subject, a channel) as middle parameters, which
    /// cannot be empty, hold a space or start with ':'; a client can send any of those as its last
    /// parameter ("HELP :a b"), and writing the reply then threw. Such a parameter is echoed as '*',
    /// as ergo does (found by the IrcSession property test, docs/reliability.md). CR, LF and NUL
    /// are refused like a space: echoed, they would end or cut the reply line.
    /// </summary>
    private static string[] SafeMiddles(string[] parameters)
    {
        for (var i = 0; i < parameters.Length - 1; i++)
        {
            var p = parameters[i];
            if (p.Length == 0 || p[0] == ':' || p.AsSpan().IndexOfAny(" \r\n\0") >= 0)
                parameters[i] = "*";
        }
        return parameters;
    }

    /// <summary>Ends the welcome: events held since sign-in go out after it, in their order.</summary>
    internal void MarkRegistered()
    {
        Registered = true;
        SignedIn();
        ReleaseEvents();
    }

    /// <summary>
    /// Holds events while a JOIN's burst (JOIN, topic, names, latest messages) is written, so that
    /// nothing of the channel arrives before its JOIN and no message shows twice.
    /// </summary>
    internal void HoldEvents()
    {
        lock (_gate)
            _held ??= [];
        // A delivery that checked before the hold began finishes its write first (a queue write,
        // never a wait). Interlocked on both sides: either it sees the hold, or this sees it.
        Interlocked.MemoryBarrier();
        var spin = new SpinWait();
        while (Volatile.Read(ref _writing) > 0)
            spin.SpinOnce();
    }

    /// <summary>
    /// A JOIN replayed a room's history up to <paramref name="seq"/>. A message can be stored (and
    /// so replayed) before it is handed to sessions: live copies up to that seq are dropped.
    /// </summary>
    internal void Replayed(string room, long seq)
    {
        _replayedUpTo[room] = seq;
        _everReplayed = true;
    }

    /// <summary>Whether a live room message was shown by a replay already. Live messages come in seq order, so the first newer one ends the check.</summary>
    private bool IsReplayed(string room, long seq)
    {
        if (!_everReplayed || !_replayedUpTo.TryGetValue(room, out var upTo))
            return false;
        if (seq <= upTo)
            return true;
        _replayedUpTo.TryRemove(room, out _);
        return false;
    }

    /// <summary>
    /// Writes the held events in their order; in a labeled command's run, after its labeled
    /// replies, so that nothing of a channel arrives before the JOIN that the batch holds.
    /// </summary>
    internal void ReleaseEvents()
    {
        if (LabeledRun.Value is { } labeled && labeled.Session == this && labeled.TryDeferRelease())
            return;
        ReleaseHeld();
    }

    private void ReleaseHeld()
    {
        lock (_gate)
        {
            var held = _held ?? [];
            _held = null;
            foreach (var broadcast in held)
            {
                if (!Write(broadcast))
                {
                    Close(ByeReasons.SlowConsumer);
                    return;
                }
            }
        }
    }

    /// <summary>Handles one line (without its line end). Never throws for anything the peer sent.</summary>
    public async ValueTask HandleLineAsync(ReadOnlySequence<byte> line)
    {
        _heard = true;
        if (!TryBeginRequest())
            return;
        var pipelined = false;
        try
        {
            // Every line costs a token, well-formed or not: a flood of garbage is a flood too.
            var allowed = _bucket.TryTake(_time, _options.RateBurst, _options.RatePerSecond);
            var status = IrcCodec.TryParse(line.IsSingleSegment ? line.FirstSpan : line.ToArray(), out var message);
            switch (status)
            {
                case IrcParseStatus.Empty:
                    return;
                case IrcParseStatus.TooLong:
                    RejectTooLong();
                    return;
                case IrcParseStatus.Malformed:
                    Numeric(IrcNumerics.UnknownError, "*", "Malformed IRC line");
                    return;
                case IrcParseStatus.InvalidUtf8:
                    FailReply(message!.Command, "INVALID_UTF8", "Message rejected: this server accepts UTF-8 only (UTF8ONLY)");
                    return;
            }
            if (!allowed)
            {
                Metrics?.RequestRateLimited();
                Numeric(IrcNumerics.TryAgain, message!.Command, "Too many commands; slow down");
                return;
            }
            // Messages do not wait for their commit before the next line is read (IRC has no
            // reply to order them by); any other command waits for them first.
            if (Registered && message!.Command is "PRIVMSG" or "NOTICE")
            {
                pipelined = true;
                await PipelineSendAsync(static call => call.Session.RunThenEndRequestAsync(call.Message), (Session: this, Message: message)).ConfigureAwait(false);
                return;
            }
            await DrainSendsAsync().ConfigureAwait(false);
            await RunAsync(message!).ConfigureAwait(false);
        }
        finally
        {
            if (!pipelined)
                EndRequest();
        }
    }

    private async Task RunThenEndRequestAsync(IrcMessage message)
    {
        try
        {
            await RunAsync(message).ConfigureAwait(false);
        }
        finally
        {
            EndRequest();
        }
    }

    /// <summary>A line over the limits: say so (417) and carry on, as Modern IRC asks.</summary>
    public void RejectTooLong() => Numeric(IrcNumerics.InputTooLong, "Input line was too long");

    /// <summary>The transport's input has ended: finish the messages in flight, leave the hub and complete the queue.</summary>
    public async Task EndAsync()
    {
        StopEvents();
        _pinger?.Dispose();
        try
        {
            await DrainSendsAsync().ConfigureAwait(false);
        }
        finally
        {
            // Even if WHOWAS or leaving the hub throws: ending the input is what lets the
            // connection's per-address slot go.
            try
            {
                if (Registered && User is { } nick)
                    Info.WhoWas.Add(new IrcWhoWas.Entry(nick, IsGuest ? Ident ?? nick : nick, Hub.RealNameOf(nick) ?? RealName ?? nick, _time.GetUtcNow()));
                IsOperator = false;
                Invisible = false;
                Hub.Detach(this);
            }
            finally
            {
                lock (_gate)
                    _held = null;
                EndInput();
            }
        }
    }

    /// <summary>
    /// The replies of the labeled command whose run this is (labeled-response). It flows with the
    /// run's own awaits, so a pipelined PRIVMSG keeps its label while the next lines are read, and
    /// nothing else (a live event, a timer's PING, another command) ever sees it.
    /// </summary>
    private static readonly AsyncLocal<IrcLabeledReplies?> LabeledRun = new();

    private int _batches;

    /// <summary>A batch reference unique on this connection (letters, digits and hyphens, as batch asks).</summary>
    internal string NextBatchId() => "b" + Interlocked.Increment(ref _batches).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs one command; with a <c>label</c> tag from a client that negotiated labeled-response (and batch, which it depends on), its replies are gathered and labeled.</summary>
    private Task RunAsync(IrcMessage message) =>
        message.Tags.TryGetValue("label", out var label) && label.Length > 0
        && (Caps & (IrcCaps.LabeledResponse | IrcCaps.Batch)) == (IrcCaps.LabeledResponse | IrcCaps.Batch)
            ? RunLabeledAsync(message, label)
            : RunCommandAsync(message);

    private async Task RunLabeledAsync(IrcMessage message, string label)
    {
        var replies = new IrcLabeledReplies(this, label);
        // Set inside this async method: the value is back to none for the caller once it returns.
        LabeledRun.Value = replies;
        try
        {
            await RunCommandAsync(message).ConfigureAwait(false);
        }
        finally
        {
            foreach (var frame in replies.Finish(Info.ServerName, NextBatchId))
            {
                if (!TryQueue(frame))
                {
                    Close(ByeReasons.SlowConsumer);
                    break;
                }
            }
            if (replies.ReleaseDeferred)
                ReleaseHeld();
        }
    }

    /// <summary>The command table's preconditions, checked here once; handlers hold only domain logic.</summary>
    private async Task RunCommandAsync(IrcMessage message)
    {
        if (!IrcCommands.Table.TryGetValue(message.Command, out var command))
        {
            if (Registered)
                Numeric(IrcNumerics.UnknownCommand, message.Command, "Unknown command");
            else
                Numeric(IrcNumerics.NotRegistered, "You have not registered");
            return;
        }
        if (!Registered && !command.BeforeRegistration)
        {
            Numeric(IrcNumerics.NotRegistered, "You have not registered");
            return;
        }
        if (message.Params.Count < command.MinParams)
        {
            Numeric(IrcNumerics.NeedMoreParams, message.Command, "Not enough parameters");
            return;
        }
        try
        {
            await command.Run(this, message).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            Numeric(IrcNumerics.UnknownError, message.Command, "The server cannot reach its storage, or cannot write to it, right now; try again shortly");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportFailure(message.Command, ex);
            Numeric(IrcNumerics.UnknownError, message.Command, "The server failed to handle this command; it was logged");
        }
    }
}
