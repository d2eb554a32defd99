namespace Parley.Cli.Bench;

/// <summary>
/// What `bench fanout --uploads N` measured of the uploads that ran through its window: how many
/// finished or were refused, their throughput, and the server's resident memory before, during and
/// after them.
/// </summary>
public sealed record UploadResult
{
    public UploadKind Kind { get; init; }

    /// <summary>Uploads kept in flight at once (one per uploader account).</summary>
    public int Concurrency { get; init; }

    /// <summary>--upload-rate in bytes per second (0: unbounded).</summary>
    public double RateLimit { get; init; }

    /// <summary>Bytes of each upload's body.</summary>
    public long BytesEach { get; init; }

    public long Started { get; init; }

    /// <summary>Answered 201: stored.</summary>
    public long Completed { get; init; }

    /// <summary>Answered with a refusal (any status but 201), by its error code (or the status when the body had none).</summary>
    public long Refused { get; init; }

    public IReadOnlyDictionary<string, long> RefusedByCode { get; init; } = new Dictionary<string, long>();

    /// <summary>No answer: the connection failed or the run stopped under it.</summary>
    public long Failed { get; init; }

    public string? FirstFailure { get; init; }

    /// <summary>The media type the server gave the first stored upload (it sniffs the bytes).</summary>
    public string? StoredType { get; init; }

    /// <summary>The stored size of the first whole upload stored (a photo is re-encoded, so its size changes).</summary>
    public long? StoredBytes { get; init; }

    /// <summary>Body bytes of the completed uploads.</summary>
    public long Bytes { get; init; }

    /// <summary>From the first upload's start to the last one's answer.</summary>
    public double Seconds { get; init; }

    public double MibPerSecond => Seconds > 0 ? Bytes / 1048576.0 / Seconds : 0;

    /// <summary>One upload, from the request's start to its answer, completed ones only.</summary>
    public double P50Ms { get; init; }

    public double P99Ms { get; init; }

    public double MaxMs { get; init; }

    /// <summary>The server's VmRSS just before the first upload, its peak while they ran, at the last answer, and <c>--settle</c> s later.</summary>
    public long? RssBefore { get; init; }

    public long? RssPeak { get; init; }

    public long? RssEnd { get; init; }

    public long? RssAfter { get; init; }

    public long? RssGrowth => RssPeak is { } peak && RssBefore is { } before ? peak - before : null;

    public double SettleSeconds { get; init; }

    /// <summary>The server's and the generator's CPU while uploads ran, as shares of one core.</summary>
    public (double Server, double Bench)? Cpu { get; init; }

    /// <summary>The largest reading of each <see cref="SeriesStepMs"/> from the first upload to the last reading.</summary>
    public IReadOnlyList<long> SeriesKib { get; init; } = [];

    public int SeriesStepMs { get; init; }
}
