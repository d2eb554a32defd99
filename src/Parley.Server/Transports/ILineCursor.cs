using System.IO.Pipelines;

namespace Parley.Server.Transports;

/// <summary>
/// A connection's input and where a line protocol's framing stands in it, kept between reads: the
/// framer searches only bytes it has not searched before, and a protocol that skips the rest of
/// an over-long line (IRC) remembers it is doing so.
/// </summary>
internal interface ILineCursor
{
    PipeReader Input { get; }

    /// <summary>Bytes at the start of the unconsumed input already searched for a line end in vain.</summary>
    long Searched { get; set; }

    /// <summary>The rest of an over-long line is being skipped.</summary>
    bool Skipping { get; set; }
}
