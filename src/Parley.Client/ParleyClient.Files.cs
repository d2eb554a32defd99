using System.Net.Http.Headers;
using System.Text.Json;
using Parley.Client.Model;
using Parley.Client.Transport;

namespace Parley.Client;

/// <summary>
/// Files (docs/protocol.md, "Files"): uploaded over HTTP to the listener the sign-in reply names
/// (<c>http</c>), with the session's token; then sent by id in a <c>send</c>; downloaded by the
/// signed links messages carry. Bodies stream in chunks both ways, never whole in memory.
/// </summary>
public sealed partial class ParleyClient
{
    private readonly Lock _httpGate = new();
    private HttpClient? _httpClient;

    /// <summary>The server's HTTP address without a trailing slash, as links are joined to it; null when unknown.</summary>
    private string? _httpBase;

    /// <summary>
    /// Where the server's HTTP listener is (files are uploaded there, and messages' links are
    /// under it), as its last sign-in reply said; before one, the HTTP side of <see
    /// cref="ParleyClientOptions.WebSocketUri"/>, or null over TCP.
    /// </summary>
    public Uri? HttpAddress { get; private set; }

    private void InitHttpAddress()
    {
        // The WebSocket endpoint is /ws on the HTTP listener: its address is known before any reply.
        if (_options.WebSocketUri is { } ws)
        {
            var builder = new UriBuilder(ws) { Scheme = ws.Scheme == "wss" ? "https" : "http", Query = "", Fragment = "" };
            var path = builder.Path.TrimEnd('/');
            builder.Path = path.EndsWith("/ws", StringComparison.Ordinal) ? path[..^3] : path;
            SetHttpAddress(builder.Uri);
        }
    }

    private void SetHttpAddress(Uri? address)
    {
        if (address is null)
            return;
        HttpAddress = address;
        _httpBase = address.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>A message read from the wire, its files' links made absolute.</summary>
    private ChatMessage ReadMessage(JsonElement e) => Frames.Message(e, _httpBase);

    /// <summary>
    /// Uploads a file (not yet sent: pass the result to <see cref="SendAsync(Target, string?,
    /// IReadOnlyList{Attachment}, long?, CancellationToken)"/>; an upload not sent within a day is
    /// deleted). <paramref name="content"/> is read from its position to its end and streamed;
    /// <paramref name="name"/> is what others see (the server drops folders and characters some
    /// systems refuse). A seekable stream longer than the server's <see
    /// cref="ServerLimits.MaxUploadBytes"/> is refused before anything is sent, and any other as
    /// soon as it goes past it (<c>file_too_large</c>). <paramref name="progress"/> gets the bytes
    /// sent so far after each chunk, rising, the last the whole length; it is called on the
    /// uploading thread, in order (a <see cref="Progress{T}"/> posts them on, where they may be
    /// handled out of order). Cancel with <paramref name="cancellationToken"/>: there is no timeout.
    /// The server's refusals throw <see cref="ParleyException"/> with its code
    /// (<c>file_too_large</c>, <c>image_too_large</c>, <c>bad_image</c>, <c>rate_limited</c>,
    /// <c>empty_text</c>, <c>bad_token</c>, <c>unavailable</c>) and the HTTP status.
    /// </summary>
    /// <returns>The file as the server keeps it: its id, cleaned name, size and type told from the bytes (a picture's upright size), and links.</returns>
    public async Task<Attachment> UploadAsync(Stream content, string name, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        string token;
        lock (_state)
            token = _token ?? throw ParleyException.NotSignedIn();
        var http = _httpBase ?? throw ParleyException.NoHttpAddress();
        var maxBytes = Limits.MaxUploadBytes;
        long? length = content.CanSeek ? Math.Max(0, content.Length - content.Position) : null;
        if (length > maxBytes)
            throw ParleyException.FileTooLarge(length.Value, maxBytes);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{http}/api/files?name={Uri.EscapeDataString(name)}")
        {
            Content = new UploadContent(content, length, maxBytes, progress),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await SendHttpAsync(request, "upload", http, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RefusalAsync(response, "upload", cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reply = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Frames.Attachment(reply.RootElement.GetProperty("file"), http);
    }

    /// <summary>Uploads the file at <paramref name="path"/> under its own name; see <see cref="UploadAsync(Stream, string, IProgress{long}?, CancellationToken)"/>.</summary>
    public async Task<Attachment> UploadAsync(string path, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await UploadAsync(file, Path.GetFileName(path), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends uploaded files (<see cref="UploadAsync(Stream, string, IProgress{long}?, CancellationToken)"/>)
    /// in one message, with <paramref name="text"/> as their caption (null or empty: none). Each
    /// upload is sent once, by its uploader; at most <see cref="ServerLimits.MaxAttachments"/> in
    /// a message (more, none, or one twice are refused here with <c>bad_field</c>). A refused send
    /// leaves the uploads to be sent again.
    /// </summary>
    public async Task<SentMessage> SendAsync(Target target, string? text, IReadOnlyList<Attachment> attachments, long? replyTo = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        if (attachments.Count == 0 || attachments.Count > Limits.MaxAttachments)
            throw ParleyException.TooManyFiles(attachments.Count, Limits.MaxAttachments);
        if (attachments.GroupBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw ParleyException.SameFileTwice(twice.First().Name);
        return await SendCoreAsync(target, string.IsNullOrEmpty(text) ? null : text, attachments, replyTo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a file's bytes into <paramref name="destination"/> (left open, at its end).
    /// <paramref name="progress"/> gets the bytes written so far after each chunk, as for an
    /// upload. A link past its time fails with <c>bad_link</c> (read the message again, from
    /// <see cref="HistoryAsync"/>, for a fresh one); a file whose message was recalled with
    /// <c>no_such_file</c>.
    /// </summary>
    /// <returns>The bytes written.</returns>
    public async Task<long> DownloadAsync(Attachment attachment, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var url = attachment.Url.IsAbsoluteUri ? attachment.Url
            : Frames.Link(attachment.Url.OriginalString, _httpBase ?? throw ParleyException.NoHttpAddress());
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await SendHttpAsync(request, "download", url.GetLeftPart(UriPartial.Authority), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await RefusalAsync(response, "download", cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Transfer.CopyAsync(body, destination, progress, maxBytes: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpIOException)
        {
            throw ParleyException.HttpUnreachable("download", url.GetLeftPart(UriPartial.Authority), ex.Message);
        }
    }

    private async Task<HttpResponseMessage> SendHttpAsync(HttpRequestMessage request, string what, string address, CancellationToken cancellationToken)
    {
        try
        {
            return await Http().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            // The body's own refusal (past the size limit) comes wrapped by the handler.
            for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
            {
                if (inner is ParleyException own)
                    throw own;
            }
            throw ParleyException.HttpUnreachable(what, address, ex.Message);
        }
    }

    /// <summary>The server's JSON refusal (<c>{"error","message"}</c>) as an exception with its code and the status.</summary>
    private static async Task<ParleyException> RefusalAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(text);
            if (Frames.OptionalString(document.RootElement, "error") is { } code)
                return new ParleyException(code, Frames.OptionalString(document.RootElement, "message") ?? code) { HttpStatus = status };
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException or InvalidOperationException)
        {
            // Not the server's refusal: said below.
        }
        return ParleyException.HttpRefused(status, response.ReasonPhrase, what);
    }

    /// <summary>One HTTP client for the client's life: no overall timeout (a big file on a slow link takes long); callers cancel.</summary>
    private HttpClient Http()
    {
        lock (_httpGate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
            if (_certificateCheck.Callback is { } callback)
                handler.SslOptions.RemoteCertificateValidationCallback = callback;
            return _httpClient ??= new HttpClient(handler)
            {
                Timeout = Timeout.InfiniteTimeSpan,
            };
        }
    }

    private void DisposeHttp()
    {
        lock (_httpGate)
        {
            _httpClient?.Dispose();
            _httpClient = null;
        }
    }
}
