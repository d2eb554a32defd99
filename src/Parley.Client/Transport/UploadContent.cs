using System.Net;

namespace Parley.Client.Transport;

/// <summary>
/// A request body streamed from the caller's stream, never whole in memory, with progress: the
/// bytes handed to the connection so far. Its length is sent when known (a seekable stream), else
/// it goes chunked; either way it stops with <c>file_too_large</c> past the server's limit.
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private readonly Stream _source;
    private readonly long? _length;
    private readonly long _maxBytes;
    private readonly IProgress<long>? _progress;
    private readonly long _start;
    private bool _started;

    public UploadContent(Stream source, long? length, long maxBytes, IProgress<long>? progress)
    {
        _source = source;
        _length = length;
        _maxBytes = maxBytes;
        _progress = progress;
        _start = source.CanSeek ? source.Position : 0;
        Headers.ContentType = new("application/octet-stream");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // The handler may send a request again when a pooled connection turned out closed.
        if (_started)
        {
            if (!_source.CanSeek)
                throw new InvalidOperationException("the upload cannot be sent again: its stream cannot seek back");
            _source.Position = _start;
        }
        _started = true;
        await Transfer.CopyAsync(_source, stream, _progress, _maxBytes, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length ?? 0;
        return _length is not null;
    }
}
