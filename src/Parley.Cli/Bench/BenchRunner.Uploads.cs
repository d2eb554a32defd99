using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Parley.Cli.Bench;

/// <summary>
/// fanout --uploads N (issue 28's "uploading 100 files of 5 MiB concurrently keeps the server's
/// memory growth under 64 MiB and chat latency for other users unchanged"): N accounts of their own
/// each keep one HTTP upload in flight (<c>POST /api/files</c>) from the start of the measured
/// window to its end, starting the next as soon as one is answered, while the paced chat is
/// measured as without uploads. The server's resident memory is read every 100 ms throughout.
/// </summary>
public sealed partial class BenchRunner
{
    private static readonly TimeSpan UploadRssInterval = TimeSpan.FromMilliseconds(100);

    private const int SeriesStepMs = 500;

    /// <summary>The random part of a file upload after its head: shared by every upload.</summary>
    private const int BlockBytes = 256 * 1024;

    /// <summary>Each uploader's own first bytes (random, from its account number): its uploads differ from the others'.</summary>
    private const int HeadBytes = 64 * 1024;

    /// <summary>The JPEG quality of the generated photo: 4000×3000 comes out at about 5 MiB.</summary>
    private const int PhotoQuality = 95;

    /// <summary>The uploads of the last phase run with them; null without --uploads.</summary>
    private UploadResult? _uploadResult;

    /// <summary>Counts of the uploads in flight, for the progress line.</summary>
    private UploadTally? _uploadTally;

    /// <summary>What each uploader sends: its head, the block repeated after it, and the length.</summary>
    private sealed record UploadBody(ReadOnlyMemory<byte>[] Heads, ReadOnlyMemory<byte> Block, long Length, string Extension);

    /// <summary>Signs in the uploaders: accounts <paramref name="firstIndex"/>.., in no room (they only upload).</summary>
    private async Task<BenchConnection[]> OpenUploadersAsync(int firstIndex, CancellationToken stop)
    {
        var specs = Enumerable.Range(firstIndex, Settings.Uploads).Select(i => new Spec(i, "", Subscribe: false)).ToList();
        var (uploaders, _, _) = await OpenAllAsync(_run, specs, "uploaders", stop).ConfigureAwait(false);
        Adopt(uploaders);
        foreach (var u in uploaders)
        {
            if (u.Token is null)
                throw new BenchSetupException($"{u.User} signed in without a token: uploads need an account's token (--proto native or ws)");
        }
        return uploaders;
    }

    /// <summary>
    /// The bodies, made before the phase so that making them costs the window nothing. Files: each
    /// uploader's own random 64 KiB, then a shared random 256 KiB block repeated to --upload-bytes,
    /// so every uploader's file differs from the others' (the server keeps each content once) and an
    /// uploader's next upload is the same file again (what it keeps on disk is bounded by N files).
    /// Photos: one JPEG, the same for everyone (the server decodes and re-encodes each upload).
    /// </summary>
    private UploadBody MakeUploadBody()
    {
        var s = Settings;
        if (s.UploadKind == UploadKind.Photo)
        {
            _progress.Note(string.Create(CultureInfo.InvariantCulture, $"making a {s.PhotoWidth}×{s.PhotoHeight} photo-like JPEG (EXIF orientation {s.PhotoOrientation}) to upload"));
            var jpeg = BenchPhoto.Jpeg(s.PhotoWidth, s.PhotoHeight, PhotoQuality);
            if (s.PhotoOrientation != 1)
                jpeg = BenchPhoto.WithOrientation(jpeg, (ushort)s.PhotoOrientation);
            return new UploadBody([.. Enumerable.Repeat<ReadOnlyMemory<byte>>(jpeg, s.Uploads)], ReadOnlyMemory<byte>.Empty, jpeg.Length, ".jpg");
        }
        var block = new byte[BlockBytes];
        new Random(28).NextBytes(block);
        var heads = new ReadOnlyMemory<byte>[s.Uploads];
        for (var i = 0; i < heads.Length; i++)
        {
            var head = new byte[HeadBytes];
            new Random(1000 + i).NextBytes(head);
            heads[i] = head;
        }
        return new UploadBody(heads, block, s.UploadBytes, ".bin");
    }

    /// <summary>
    /// Beside the phase: from the window's start, each uploader uploads again and again until the
    /// window ends (an upload under way then is finished); a refusal for the rate (429) waits its
    /// Retry-After. Then, --settle s later, the last memory reading.
    /// </summary>
    private async Task UploadAlongsideAsync(Phase phase, BenchConnection[] uploaders, UploadBody body, int pid, CancellationToken stop)
    {
        var s = Settings;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxConnectionsPerServer = int.MaxValue,
        };
        using var http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"http://{s.Host}:{s.UploadPort.ToString(CultureInfo.InvariantCulture)}/"),
            // An upload of a photo may queue behind a hundred others for the server's image slots.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        await using var sampler = new ProcessSampler(pid, UploadRssInterval);
        var tally = new UploadTally();
        await DelayUntilAsync(phase.WindowStart, stop).ConfigureAwait(false);
        var before = sampler.Now();
        var start = Stopwatch.GetTimestamp();
        _uploadTally = tally;
        // Paced, every upload takes as long, so files started together would all end together, and
        // the server would finish (and flush to disk) a hundred at once every few seconds. So paced
        // file uploads start together but the first of uploader i is only (i + 1)/N of the file:
        // from then on they end evenly spread, as independent users' do, always N in flight.
        var workers = uploaders.Select((u, i) =>
        {
            var first = s.UploadRate > 0 && s.UploadKind == UploadKind.File ? Math.Max(1, body.Length * (i + 1) / s.Uploads) : body.Length;
            return Task.Run(() => UploadLoopAsync(http, u, body, body.Heads[i], first, phase, tally, stop), CancellationToken.None);
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var end = Stopwatch.GetTimestamp();
        var atEnd = sampler.Now();
        _progress.Note(string.Create(CultureInfo.InvariantCulture,
            $"uploads done {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s after they started; reading the server's memory in {s.Settle.TotalSeconds:0.#} s"));
        try
        {
            await Task.Delay(s.Settle, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        var after = sampler.Now();
        var last = Stopwatch.GetTimestamp();
        var during = sampler.Between(start, end);
        var series = sampler.Between(start, last);
        _uploadResult = tally.Result(s, body.Length) with
        {
            Seconds = tally.LastAnswer > 0 ? (double)(tally.LastAnswer - start) / Stopwatch.Frequency : 0,
            RssBefore = before,
            RssPeak = ProcessSampler.Peak([.. during, .. before is { } b ? [(start, b)] : Array.Empty<(long, long)>(), .. atEnd is { } e ? [(end, e)] : Array.Empty<(long, long)>()]),
            RssEnd = atEnd,
            RssAfter = after,
            SettleSeconds = s.Settle.TotalSeconds,
            Cpu = sampler.CpuShare(start, end),
            SeriesKib = [.. series.GroupBy(x => (x.Ticks - start) * 1000 / Stopwatch.Frequency / SeriesStepMs).OrderBy(g => g.Key).Select(g => g.Max(x => x.Bytes) / 1024)],
            SeriesStepMs = SeriesStepMs,
        };
    }

    /// <summary>One uploader: its first upload is <paramref name="firstLength"/> bytes, the others the body's length.</summary>
    private async Task UploadLoopAsync(HttpClient http, BenchConnection uploader, UploadBody body, ReadOnlyMemory<byte> head, long firstLength,
        Phase phase, UploadTally tally, CancellationToken stop)
    {
        var name = Uri.EscapeDataString(uploader.User + body.Extension);
        var length = firstLength;
        while (Stopwatch.GetTimestamp() < phase.WindowEnd && !stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/files?name=" + name)
            {
                Content = new UploadContent(head, body.Block, length, Settings.UploadRate / Settings.Uploads),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", uploader.Token);
            var started = Stopwatch.GetTimestamp();
            tally.Start();
            TimeSpan? wait = null;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, stop).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
                var answered = Stopwatch.GetTimestamp();
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var (type, size) = StoredFile(text);
                    tally.Complete(length, (long)Stopwatch.GetElapsedTime(started, answered).TotalMicroseconds, answered, type, length == body.Length ? size : null);
                }
                else
                {
                    tally.Refuse(ErrorCode(text) ?? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), answered);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                        wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                tally.Fail("stopped", Stopwatch.GetTimestamp());
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                tally.Fail($"{uploader.User}: {ex.GetType().Name}: {ex.Message}", Stopwatch.GetTimestamp());
                wait = TimeSpan.FromMilliseconds(100);
            }
            length = body.Length;
            if (wait is { } delay)
            {
                try
                {
                    await Task.Delay(delay, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The stored file's type and size from a 201's <c>{"file":{…}}</c>.</summary>
    private static (string? Type, long? Size) StoredFile(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var file = document.RootElement.GetProperty("file");
            return (file.GetProperty("type").GetString(), file.GetProperty("size").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>The <c>error</c> of a refusal's <c>{"error","message"}</c>, or null.</summary>
    private static string? ErrorCode(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty("error", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The progress line's part about uploads, while they run.</summary>
    private string? UploadProgress() => _uploadTally is { } tally
        ? string.Create(CultureInfo.InvariantCulture, $"; uploads done {tally.CompletedCount}, refused {tally.RefusedCount}, failed {tally.FailedCount}")
        : null;

    /// <summary>The uploads' counts, added to by every uploader's loop.</summary>
    private sealed class UploadTally
    {
        private readonly Lock _gate = new();
        private readonly LatencyHistogram _micros = new();
        private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
        private long _started, _completed, _failed, _bytes;
        private string? _firstFailure, _type;
        private long? _storedBytes;

        public long LastAnswer { get; private set; }

        public long CompletedCount => Volatile.Read(ref _completed);

        public long RefusedCount
        {
            get
            {
                lock (_gate)
                    return _refused.Values.Sum();
            }
        }

        public long FailedCount => Volatile.Read(ref _failed);

        public void Start() => Interlocked.Increment(ref _started);

        /// <summary>Counts a stored upload; <paramref name="storedBytes"/> is given for a whole one (a paced uploader's first is cut short).</summary>
        public void Complete(long bytes, long micros, long answered, string? type, long? storedBytes)
        {
            lock (_gate)
            {
                _completed++;
                _bytes += bytes;
                _micros.Record(micros);
                _type ??= type;
                _storedBytes ??= storedBytes;
                LastAnswer = Math.Max(LastAnswer, answered);
            }
        }

        public void Refuse(string code, long answered)
        {
            lock (_gate)
            {
                _refused[code] = _refused.GetValueOrDefault(code) + 1;
                LastAnswer = Math.Max(LastAnswer, answered);
            }
        }

        public void Fail(string reason, long at)
        {
            lock (_gate)
            {
                _failed++;
                _firstFailure ??= reason;
                LastAnswer = Math.Max(LastAnswer, at);
            }
        }

        public UploadResult Result(BenchSettings s, long bytesEach)
        {
            lock (_gate)
            {
                return new UploadResult
                {
                    Kind = s.UploadKind,
                    Concurrency = s.Uploads,
                    RateLimit = s.UploadRate,
                    BytesEach = bytesEach,
                    Started = Interlocked.Read(ref _started),
                    Completed = _completed,
                    Refused = _refused.Values.Sum(),
                    RefusedByCode = new Dictionary<string, long>(_refused, StringComparer.Ordinal),
                    Failed = _failed,
                    FirstFailure = _firstFailure,
                    StoredType = _type,
                    StoredBytes = _storedBytes,
                    Bytes = _bytes,
                    P50Ms = _micros.ValueAt(50) / 1000.0,
                    P99Ms = _micros.ValueAt(99) / 1000.0,
                    MaxMs = _micros.Max / 1000.0,
                };
            }
        }
    }
}
