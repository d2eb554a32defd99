using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Parley.Server.Files;

/// <summary>
/// How to copy a JPEG without its metadata and without decoding it: the byte ranges of the file
/// to copy as they are, and the few segments written anew. Read from the whole file before a byte
/// is written, so a file that cannot be copied safely is refused, or left to the re-encoder,
/// while the output is still empty.
/// </summary>
/// <remarks>
/// <para>A JPEG is a start-of-image marker (FF D8), segments (FF, a code, a big-endian length
/// that counts itself, the payload), one or more scans (a start-of-scan segment followed by
/// entropy-coded data, in which FF is always followed by 00, a stuffed byte, or by a restart
/// marker D0–D7) and an end-of-image marker (FF D9). Any marker may be preceded by fill bytes FF.</para>
/// <para>Kept: the tables (DQT, DHT, DRI), the frame header (SOF0, SOF1, SOF2: Huffman-coded,
/// sequential or progressive, 8 bits a sample), every scan with its entropy-coded data byte for
/// byte, and three application segments that decoders need to show the pixels as they are:</para>
/// <list type="bullet">
/// <item>APP0 "JFIF" (the file's colour model is YCbCr, its pixel density), written anew without
/// the small uncompressed thumbnail JFIF allows, which could show what the image was before an edit.</item>
/// <item>APP14 "Adobe": its transform flag tells decoders whether three components are YCbCr or
/// RGB, and four CMYK or YCCK; without it the colours come out wrong. Written anew with its
/// twelve defined bytes only.</item>
/// <item>APP2 "ICC_PROFILE" (every chunk, in order): the coefficients are in the profile's colour
/// space (a phone's Display P3 photo, a print CMYK), and cannot be converted without re-encoding,
/// so without it a colour-managed viewer would show wrong colours. A profile names a colour space,
/// not a person or a place; at most its description text or device fields name a camera model,
/// which the pixels themselves often betray.</item>
/// </list>
/// <para>Dropped: every other APPn (APP1 EXIF with its GPS position and embedded thumbnail, and
/// XMP; APP2 MPF and FlashPix; APP13 Photoshop and IPTC; APP11 JUMBF; makers' segments), every
/// COM, wherever they are, also between the scans of a progressive JPEG, and everything after
/// the end-of-image marker (a phone's second pictures, such as an HDR gain map or a depth map,
/// each a JPEG with its own EXIF, and makers' trailers).</para>
/// <para>Refused (<see cref="ImageRefusedException.BadImageCode"/>): a segment whose length is
/// below 2 or runs past the end of the file, and a file that ends before its end-of-image
/// marker. Left to the re-encoder, whose decoder decides (it writes only pixels, so nothing of
/// the file's metadata can survive it): anything else this reader does not fully understand, such
/// as bytes that are not a marker where one must be, an arithmetic-coded, lossless, hierarchical
/// or 12-bit frame, a second frame header, a scan before the frame header, markers it does not
/// know, or more than <see cref="MaxPieces"/> pieces.</para>
/// </remarks>
internal sealed class JpegCopyPlan
{
    /// <summary>Pieces of output beyond which a file is left to the re-encoder: real JPEGs have a few dozen, and a plan's memory must stay small.</summary>
    internal const int MaxPieces = 1024;

    private const int BufferBytes = 64 * 1024;

    private const byte Soi = 0xD8, Eoi = 0xD9, Sos = 0xDA, Dqt = 0xDB, Dri = 0xDD, Dht = 0xC4, Com = 0xFE;
    private const byte Sof0 = 0xC0, Sof1 = 0xC1, Sof2 = 0xC2, App0 = 0xE0, App2 = 0xE2, App14 = 0xEE, App15 = 0xEF;

    private readonly List<Piece> _pieces;

    private JpegCopyPlan(List<Piece> pieces, int width, int height, bool progressive)
    {
        _pieces = pieces;
        Width = width;
        Height = height;
        Progressive = progressive;
    }

    /// <summary>The size in the frame header.</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>A progressive JPEG (SOF2): its decoder keeps every coefficient of the image while it reads the scans.</summary>
    public bool Progressive { get; }

    /// <summary>The number of bytes <see cref="CopyTo"/> writes.</summary>
    public long OutputLength => _pieces.Sum(p => p.Literal?.Length ?? p.Length);

    /// <summary>
    /// Reads the segment structure of the JPEG in <paramref name="input"/> (a seekable stream, read
    /// from its start). Returns false with the reason when the file is to be re-encoded instead.
    /// </summary>
    /// <exception cref="ImageRefusedException">A segment runs past the end of the file, or the file ends before its end-of-image marker.</exception>
    public static bool TryRead(Stream input, [NotNullWhen(true)] out JpegCopyPlan? plan, [NotNullWhen(false)] out string? unsupported)
    {
        using var reader = new Reader(input);
        var pieces = new List<Piece>();
        plan = null;
        unsupported = Read(reader, pieces, out var frame);
        if (unsupported is not null)
            return false;
        plan = new JpegCopyPlan(pieces, frame.Width, frame.Height, frame.Progressive);
        return true;
    }

    private static string? Read(Reader reader, List<Piece> pieces, out (int Width, int Height, bool Progressive) frame)
    {
        frame = default;
        if (reader.ReadByte() != 0xFF || reader.ReadByte() != Soi)
            throw Broken("it does not start with a start-of-image marker");
        Add(pieces, 0, 2);
        var seenFrame = false;
        var scans = 0;
        Span<byte> head = stackalloc byte[16];
        while (true)
        {
            if (pieces.Count > MaxPieces)
                return $"it has more than {MaxPieces} pieces to copy";
            var at = reader.Position;
            var first = reader.ReadByte();
            if (first < 0)
                throw Broken("it ends before its end-of-image marker");
            if (first != 0xFF)
                return $"byte 0x{first:X2} at offset {at} is not a marker";
            int code;
            long markerAt;
            do
            {
                markerAt = reader.Position - 1;
                code = reader.ReadByte();
            }
            while (code == 0xFF);
            if (code < 0)
                throw Broken("it ends before its end-of-image marker");
            if (code == Eoi)
            {
                Add(pieces, markerAt, 2);
                return scans == 0 ? "it has no scan" : null;
            }
            if (code is 0x00 or 0x01 or Soi or (>= 0xD0 and <= 0xD7))
                return $"marker 0x{code:X2} at offset {markerAt} is out of place";

            // Every other marker has a length, which counts its own two bytes.
            var length = reader.ReadByte() << 8 | reader.ReadByte();
            if (length < 0)
                throw Broken("it ends inside a segment's header");
            if (length < 2)
                throw Broken($"its segment 0x{code:X2} at offset {markerAt} has a length of {length}");
            var end = markerAt + 2 + length;
            if (end > reader.Length)
                throw Broken($"its segment 0x{code:X2} at offset {markerAt} claims {length:N0} bytes, past the end of the file");
            var payload = head[..reader.Read(head[..Math.Min(head.Length, length - 2)])];

            switch (code)
            {
                case Dqt or Dht or Dri:
                    Add(pieces, markerAt, end - markerAt);
                    break;
                case Sof0 or Sof1 or Sof2:
                    if (seenFrame)
                        return "it has a second frame header";
                    // Precision, height, width, then the components.
                    if (payload.Length < 6 || payload[0] != 8)
                        return payload.Length < 6 ? "its frame header is too short" : $"its samples have {payload[0]} bits, not 8";
                    seenFrame = true;
                    frame = (BinaryPrimitives.ReadUInt16BigEndian(payload[3..]), BinaryPrimitives.ReadUInt16BigEndian(payload[1..]), code == Sof2);
                    Add(pieces, markerAt, end - markerAt);
                    break;
                case Sos:
                    if (!seenFrame)
                        return "a scan comes before the frame header";
                    // The scan's header and its entropy-coded data up to the next marker (with
                    // any fill bytes before it), byte for byte.
                    scans++;
                    reader.Seek(end);
                    var next = NextMarker(reader);
                    Add(pieces, markerAt, next - markerAt);
                    reader.Seek(next);
                    continue;
                case App0:
                    if (payload.Length >= 12 && payload[..5].SequenceEqual("JFIF\0"u8))
                        AddLiteral(pieces, Jfif(payload[..12]));
                    break;
                case App14:
                    if (payload.Length >= 12 && payload[..5].SequenceEqual("Adobe"u8))
                        AddLiteral(pieces, Segment(App14, payload[..12]));
                    break;
                case App2:
                    if (payload.Length >= 12 && payload[..12].SequenceEqual("ICC_PROFILE\0"u8))
                        Add(pieces, markerAt, end - markerAt);
                    break;
                case (> App0 and <= App15) or Com:
                    break;
                default:
                    // Arithmetic-coded, lossless or hierarchical frames, DAC, DNL, EXP, JPGn, reserved.
                    return $"marker 0x{code:X2} at offset {markerAt} is not one this copier handles";
            }
            reader.Seek(end);
        }
    }

    /// <summary>
    /// Skips entropy-coded data: returns the offset of the FF that begins the next marker, after
    /// any stuffed bytes (FF 00), restart markers (FF D0–D7) and fill bytes (FF FF…).
    /// </summary>
    private static long NextMarker(Reader reader)
    {
        while (true)
        {
            if (!reader.SkipTo(0xFF))
                throw Broken("its scan data ends before its end-of-image marker");
            var ff = reader.Position;
            reader.ReadByte();
            var code = reader.ReadByte();
            while (code == 0xFF)
            {
                ff = reader.Position - 1;
                code = reader.ReadByte();
            }
            if (code < 0)
                throw Broken("its scan data ends before its end-of-image marker");
            if (code is not (0x00 or (>= 0xD0 and <= 0xD7)))
                return ff;
        }
    }

    /// <summary>A JFIF segment with its version, units and densities, and no thumbnail.</summary>
    private static byte[] Jfif(ReadOnlySpan<byte> identifierToDensities) => Segment(App0, [.. identifierToDensities, 0, 0]);

    private static byte[] Segment(byte code, ReadOnlySpan<byte> payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment.AsSpan(4));
        return segment;
    }

    private static void Add(List<Piece> pieces, long offset, long length)
    {
        if (pieces.Count > 0 && pieces[^1] is { Literal: null } last && last.Offset + last.Length == offset)
            pieces[^1] = last with { Length = last.Length + length };
        else
            pieces.Add(new Piece(offset, length, null));
    }

    private static void AddLiteral(List<Piece> pieces, byte[] segment) => pieces.Add(new Piece(0, 0, segment));

    private static ImageRefusedException Broken(string why) => ImageRefusedException.BadImage("its JPEG structure is broken: " + why);

    /// <summary>Writes the JPEG without its metadata, reading the ranges to copy from <paramref name="input"/>, the file the plan was read from.</summary>
    public void CopyTo(Stream input, Stream output)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            foreach (var piece in _pieces)
            {
                if (piece.Literal is not null)
                {
                    output.Write(piece.Literal);
                    continue;
                }
                input.Position = piece.Offset;
                for (var remaining = piece.Length; remaining > 0;)
                {
                    var read = input.Read(buffer, 0, (int)Math.Min(BufferBytes, remaining));
                    if (read == 0)
                        throw new IOException($"the JPEG file became shorter while it was copied (offset {input.Position})");
                    output.Write(buffer, 0, read);
                    remaining -= read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A range of the input (<see cref="Literal"/> null), or a segment written anew.</summary>
    private readonly record struct Piece(long Offset, long Length, byte[]? Literal);

    /// <summary>Buffered reading with seeks, and a fast search for the next FF in entropy-coded data.</summary>
    private sealed class Reader(Stream stream) : IDisposable
    {
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private long _bufferStart;
        private int _position, _count;

        public long Length { get; } = stream.Length;

        public long Position => _bufferStart + _position;

        public int ReadByte() => _position < _count || Fill() ? _buffer[_position++] : -1;

        /// <summary>Reads up to <paramref name="target"/>'s length; fewer only at the end of the stream.</summary>
        public int Read(Span<byte> target)
        {
            var done = 0;
            while (done < target.Length && (_position < _count || Fill()))
            {
                var n = Math.Min(target.Length - done, _count - _position);
                _buffer.AsSpan(_position, n).CopyTo(target[done..]);
                _position += n;
                done += n;
            }
            return done;
        }

        /// <summary>Moves to the next <paramref name="value"/>, or to the end and returns false.</summary>
        public bool SkipTo(byte value)
        {
            while (true)
            {
                var found = _buffer.AsSpan(_position, _count - _position).IndexOf(value);
                if (found >= 0)
                {
                    _position += found;
                    return true;
                }
                _position = _count;
                if (!Fill())
                    return false;
            }
        }

        public void Seek(long position)
        {
            if (position >= _bufferStart && position <= _bufferStart + _count)
                _position = (int)(position - _bufferStart);
            else
                (_bufferStart, _position, _count) = (position, 0, 0);
        }

        private bool Fill()
        {
            _bufferStart += _position;
            _position = 0;
            stream.Position = _bufferStart;
            _count = stream.Read(_buffer, 0, BufferBytes);
            return _count > 0;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
