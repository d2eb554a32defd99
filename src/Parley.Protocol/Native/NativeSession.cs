using System.Buffers;
using System.Text.Json;
using Parley.Core.Events;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>
/// One native-protocol connection, whatever carries it (TCP lines or WebSocket messages).
/// The transport feeds it frames with <see cref="HandleFrameAsync"/> from one reader loop, and
/// drains <see cref="Outbound"/> from one writer loop. Requests are handled one after another,
/// except that a <c>send</c> only waits until its message is queued in the store: later sends
/// may start while it commits (their seq order is already fixed, though their replies may come
/// back in any order), and any other request first waits for them all.
/// </summary>
public sealed class NativeSession : QueuedSession
{
    private readonly JsonEventEncoder _encoder;
    private readonly ConnectionOptions _options;
    private readonly TimeProvider _time;
    private TokenBucket _bucket;

    public NativeSession(ChatHub hub, JsonEventEncoder encoder, ConnectionOptions options, TimeProvider time, string? remoteAddress = null, bool isOperator = false)
        : base(options, time)
    {
        IsOperator = isOperator;
        // The operator never signs in: the sign-in deadline is not for it.
        if (isOperator)
            SignedIn();
        RemoteAddress = remoteAddress;
        Hub = hub;
        Metrics = hub.Metrics;
        _encoder = encoder;
        _options = options;
        _time = time;
    }

    public ChatHub Hub { get; }

    /// <summary>
    /// The connection is the server's operator (it came in on the admin socket): the <c>admin.*</c>
    /// ops are allowed, without signing in.
    /// </summary>
    public bool IsOperator { get; }

    internal ConnectionOptions Options => _options;

    private protected override ConnectionOptions Limits => _options;

    private protected override TimeProvider Clock => _time;

    // Its sign-in replies carry each conversation's lastSeq (docs/protocol.md).
    public override bool TakesLastSeq => true;

    // Once the peer has hung up, events are dropped (true: not a slow reader): a native client's own
    // requests are answered by replies, never by events, so nothing it waits for is lost.
    public override bool TryDeliver(Broadcast broadcast) =>
        EventsStopped || (broadcast.EncodedWith(_encoder) is var bytes && (bytes.Length == 0 || TryQueue(bytes)));

    protected override byte[] EncodeBye(string reason) => _encoder.Encode(new ByeEvent(reason));

    /// <summary>Handles one request frame. Never throws for anything the peer sent.</summary>
    public async ValueTask HandleFrameAsync(ReadOnlySequence<byte> frame)
    {
        // A request counts as running from the moment it is read, so a close waits for its reply.
        if (!TryBeginRequest())
            return;
        // Every frame costs a token, well-formed or not: a flood of garbage is a flood too.
        var allowed = _bucket.TryTake(_time, _options.RateBurst, _options.RatePerSecond);
        if (!allowed)
            Metrics?.RequestRateLimited();
        var request = RequestParser.Parse(frame, out var error, out var id);
        if (request is null)
        {
            Reply(id, allowed ? Json.Reply.Fail(error!.Code, error.Message) : RateLimited);
            EndRequest();
            return;
        }
        if (!allowed)
        {
            Reply(id, RateLimited);
            request.Dispose();
            EndRequest();
            return;
        }
        if (request.Type == "send")
        {
            await PipelineSendAsync(static call => call.Session.RunAsync(call.Request), (Session: this, Request: request)).ConfigureAwait(false);
            return;
        }
        await DrainSendsAsync().ConfigureAwait(false);
        await RunAsync(request).ConfigureAwait(false);
    }

    private static readonly Reply RateLimited = Json.Reply.Fail(ErrorCodes.RateLimited, "too many requests; slow down");

    /// <summary>The peer sent a frame over the size limit: say so, then close.</summary>
    public void RejectOversized()
    {
        Reply(null, Json.Reply.Fail(ErrorCodes.LineTooLong, $"a request is at most {_options.MaxLineBytes} bytes"));
        Close(ByeReasons.LineTooLong);
    }

    /// <summary>The transport's input has ended: finish pending work, leave the hub, complete the queue.</summary>
    public async Task EndAsync()
    {
        StopEvents();
        try
        {
            await DrainSendsAsync().ConfigureAwait(false);
        }
        finally
        {
            // Even if leaving the hub throws: ending the input is what lets the connection's
            // per-address slot go.
            try
            {
                Hub.Detach(this);
            }
            finally
            {
                EndInput();
            }
        }
    }

    /// <summary>Runs one request and queues its reply; the request ends here, whatever happens.</summary>
    private async Task RunAsync(JsonRequest request)
    {
        try
        {
            using (request)
            {
                Reply reply;
                try
                {
                    if (!NativeCommands.Table.TryGetValue(request.Type, out var command))
                        reply = Json.Reply.Fail(ErrorCodes.UnknownType, $"unknown request type '{request.Type}'");
                    else if (command.Operator && !IsOperator)
                        reply = Json.Reply.Fail(ErrorCodes.NotPermitted, $"'{request.Type}' is the operator's: it is allowed only on the server's admin socket");
                    else if (command.NeedsAuth && !IsAuthenticated)
                        reply = Json.Reply.Fail(ErrorCodes.Unauthenticated, "log in first: 'login', 'register' or 'resume'");
                    else
                        reply = await command.Run(this, request).ConfigureAwait(false);
                }
                catch (RequestException ex)
                {
                    reply = Json.Reply.Fail(ex.Code, ex.Message);
                }
                catch (StoreUnavailableException)
                {
                    reply = Json.Reply.Fail(ErrorCodes.Unavailable, "the server cannot reach its storage, or cannot write to it, right now; try again shortly");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    ReportFailure(request.Type, ex);
                    reply = Json.Reply.Fail(ErrorCodes.Internal, "the server failed to handle this request; it was logged");
                }
                if (IsAuthenticated)
                    SignedIn();
                Reply(request.Id, reply);
            }
        }
        finally
        {
            EndRequest();
        }
    }

    private void Reply(RequestId? id, Reply reply)
    {
        if (!TryQueue(reply.Encode(id)))
            Close(ByeReasons.SlowConsumer);
    }
}
