using System.Globalization;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Storage;
using Parley.Protocol.Json;

namespace Parley.Server.Files;

/// <summary>
/// Files over HTTP (docs/protocol.md, "Files"): <c>POST /api/files</c> uploads one (the body is the
/// file, streamed to disk; the sign-in token in <c>Authorization: Bearer</c>), and the signed links
/// messages carry download it (<c>GET /api/files/{id}/{name}</c>, <c>GET /api/thumbs/{id}</c>).
/// Refusals are JSON <c>{"error","message"}</c> with the protocol's stable codes.
/// </summary>
public sealed class FileEndpoints(ChatHub hub, IBlobStore blobs, ImageWork images)
{
    /// <summary>Types served for a browser to show inline; every other file is a download.</summary>
    private static readonly HashSet<string> InlineTypes = new(StringComparer.Ordinal) { "image/jpeg", "image/png", "image/gif", "image/webp" };

    /// <summary>An upload was refused because the disk holding the files (named) is full: once per episode.</summary>
    public event Action<string>? DiskFull;

    /// <summary>1 while uploads are being refused for a full disk; the next stored upload ends the episode.</summary>
    private int _diskFull;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/files", UploadAsync);
        routes.MapGet("/api/files/{id}/{name}", (HttpContext context, string id) => DownloadAsync(context, id, thumb: false));
        routes.MapGet("/api/thumbs/{id}", (HttpContext context, string id) => DownloadAsync(context, id, thumb: true));
    }

    private async Task UploadAsync(HttpContext context)
    {
        var request = context.Request;
        var token = request.Headers.Authorization.ToString() is var header && header.StartsWith("Bearer ", StringComparison.Ordinal)
            ? header["Bearer ".Length..].Trim()
            : "";
        if (token.Length == 0 || await hub.UserOfTokenAsync(token) is not { } user)
        {
            await RefuseAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.BadToken, "send the token from your sign-in as 'Authorization: Bearer TOKEN'");
            return;
        }
        if (hub.TryStartUpload(user) is { } limited)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(1 / hub.Limits.UploadsPerSecond).ToString(CultureInfo.InvariantCulture);
            await RefuseAsync(context, StatusCodes.Status429TooManyRequests, limited.Code, limited.Message);
            return;
        }
        var maxBytes = hub.Limits.MaxUploadBytes;
        if (request.ContentLength > maxBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.FileTooLarge, TooLarge(maxBytes));
            return;
        }
        // Kestrel's own limit (30 MB) would cut a larger one off with no body to read; ours is the rule,
        // counted on the file's bytes as they are stored. Kestrel counts a chunked body's framing
        // too (a few bytes a chunk), so its limit leaves room for that: a chunked file of exactly
        // maxBytes was refused. A client sending tiny chunks still meets it, early.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = maxBytes + 1 + ChunkFramingAllowance(maxBytes);

        try
        {
            var body = request.Body;
            var head = new byte[MediaSniffer.HeadBytes];
            var headLength = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, context.RequestAborted);
            if (headLength == 0)
            {
                await RefuseAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.EmptyText, "the file is empty");
                return;
            }
            var type = MediaSniffer.Sniff(head.AsSpan(0, headLength));
            var name = FileNames.Clean(request.Query["name"].ToString(), type.Extension);
            await using var content = new PrefixedStream(head.AsMemory(0, headLength), body);
            Attachment attachment;
            if (type.IsRasterImage)
            {
                var image = await images.ProcessAsync(content, maxBytes, context.RequestAborted);
                attachment = await hub.AddUploadAsync(user, name, image.Blob.Length, image.Facts.Mime, image.Facts.Width, image.Facts.Height,
                    image.Blob.Hash, image.Thumb.Hash);
            }
            else
            {
                var blob = await blobs.PutAsync(content, maxBytes, context.RequestAborted);
                attachment = await hub.AddUploadAsync(user, name, blob.Length, type.Mime, null, null, blob.Hash, null);
            }
            // A file was stored: there is space again, and the next refusal starts a new episode.
            Volatile.Write(ref _diskFull, 0);
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(JsonWire.Write(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("file");
                JsonWire.WriteAttachment(w, attachment, hub.Links);
                w.WriteEndObject();
            }));
        }
        catch (BlobTooLargeException ex)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.FileTooLarge, TooLarge(ex.MaxBytes));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.FileTooLarge, TooLarge(maxBytes));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The uploader went away: nothing was kept, and there is no one to answer.
        }
        catch (ImageRefusedException ex)
        {
            await RefuseAsync(context, StatusCodes.Status422UnprocessableEntity, ex.Code, ex.Message);
        }
        catch (StoreUnavailableException)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "the store is unavailable; try again");
        }
        catch (Exception ex) when (NoSpace.Is(ex))
        {
            // Nothing was kept (a blob is named only once whole; its temporary file is deleted).
            // Told once per episode, not per refused upload (a full disk refuses every one).
            if (Interlocked.Exchange(ref _diskFull, 1) == 0)
                DiskFull?.Invoke(blobs is DirectoryBlobStore directory ? directory.Root : "the file store");
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "the server's disk is full; try again later");
        }
    }

    private async Task DownloadAsync(HttpContext context, string id, bool thumb)
    {
        var query = context.Request.Query;
        if (!long.TryParse(query["e"], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !hub.Links.Verify(id, thumb, expires, query["s"].ToString()))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.BadLink, "this link is not valid, or its time is over; open the message again for a new one");
            return;
        }
        // A file whose message was recalled or removed is gone, whatever links to it are about.
        StoredFile? file;
        try
        {
            file = await hub.FindFileAsync(id);
        }
        catch (StoreUnavailableException)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "the store is unavailable; try again");
            return;
        }
        var hash = thumb ? file?.ThumbHash : file?.Hash;
        if (hash is null || blobs.OpenRead(hash) is not { } content)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, ErrorCodes.NoSuchFile, "there is no such file (its message may have been recalled)");
            return;
        }
        await using (content)
        {
            var type = thumb ? ThumbType(content) : file!.Attachment.Type;
            var inline = InlineTypes.Contains(type);
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            // Nothing a file holds runs in Parley's origin, even if a browser were to render it.
            headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            // Asked again at each use (answered 304 while it stands): a recalled file leaves browsers' caches too.
            headers.CacheControl = "private, no-cache";
            headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment")
            {
                FileNameStar = thumb ? "thumb" + (type == "image/png" ? ".png" : ".jpg") : file!.Attachment.Name,
            }.ToString();
            await Results.Stream(content, type, entityTag: new EntityTagHeaderValue($"\"{hash}\""), enableRangeProcessing: true).ExecuteAsync(context);
        }
    }

    /// <summary>A thumbnail is a PNG (a picture with transparency) or a JPEG: its first byte says which.</summary>
    private static string ThumbType(Stream content)
    {
        var first = content.ReadByte();
        content.Position = 0;
        return first == 0x89 ? "image/png" : "image/jpeg";
    }

    /// <summary>Room for a chunked body's framing ("1000\r\n" … "\r\n" per chunk): 64 KiB, and 1/64 of the limit for a big one (chunks of 1 KiB or more).</summary>
    private static long ChunkFramingAllowance(long maxBytes) => 64 * 1024 + maxBytes / 64;

    /// <summary>"a file is at most 25 MiB", or the bytes for a limit that is no whole number of MiB (not "0 MiB").</summary>
    private static string TooLarge(long maxBytes) =>
        maxBytes % (1024 * 1024) == 0
            ? $"a file is at most {maxBytes / (1024 * 1024)} MiB"
            : string.Create(CultureInfo.InvariantCulture, $"a file is at most {maxBytes:N0} bytes");

    private static async Task RefuseAsync(HttpContext context, int status, string code, string message)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonWire.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", code);
            w.WriteString("message", message);
            w.WriteEndObject();
        }));
    }
}
