using System.Buffers.Binary;

namespace Parley.Server.Files;

/// <summary>
/// Tells a file's type from its first bytes. The type decides how a file is served: only
/// <see cref="MediaType.IsRasterImage"/> types are shown inline, so what matters most is what this
/// never answers: no image/svg+xml and no text/html, whatever the markup looks like (an uploaded
/// page or SVG must not run script in Parley's origin). Markup is UTF-8 text, so it is text/plain
/// at most, served as an attachment with nosniff.
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs at most; pass fewer only when the file is shorter.</summary>
    public const int HeadBytes = 64;

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> GzipMagic => [0x1F, 0x8B, 0x08];
    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];

    /// <summary>
    /// The type of a file whose first bytes are <paramref name="head"/> (the first
    /// <see cref="HeadBytes"/>, or the whole file when shorter). Anything not recognised, and an
    /// empty file, is application/octet-stream.
    /// </summary>
    public static MediaType Sniff(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
            return MediaType.OctetStream;
        return Binary(head) ?? (IsText(head) ? MediaType.Text : MediaType.OctetStream);
    }

    private static MediaType? Binary(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(JpegMagic))
            return MediaType.Jpeg;
        if (head.StartsWith(PngMagic))
            return MediaType.Png;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return MediaType.Gif;
        if (head.StartsWith("RIFF"u8) && head.Length >= 12)
        {
            var form = head.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8))
                return MediaType.Webp;
            if (form.SequenceEqual("WAVE"u8))
                return MediaType.Wav;
            if (form.SequenceEqual("AVI "u8))
                return MediaType.Avi;
            return null;
        }
        if (IsBmp(head))
            return MediaType.Bmp;
        if (head.StartsWith("%PDF-"u8))
            return MediaType.Pdf;
        // Local file header, empty archive, spanned archive. Office documents, EPUB and JAR are ZIPs
        // too; telling them apart needs the central directory, so they stay application/zip.
        if (head.StartsWith("PK"u8) && head.Length >= 4 && (head[2], head[3]) is (3, 4) or (5, 6) or (7, 8))
            return MediaType.Zip;
        if (head.StartsWith(GzipMagic))
            return MediaType.Gzip;
        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
            return IsoMedia(head.Slice(8, 4));
        if (head.StartsWith(EbmlMagic))
            return head.IndexOf("webm"u8) >= 0 ? MediaType.Webm : MediaType.Matroska;
        if (head.StartsWith("OggS"u8))
            return MediaType.Ogg;
        if (head.StartsWith("fLaC"u8))
            return MediaType.Flac;
        if (head.StartsWith("ID3"u8) && head.Length >= 10 && head[3] is >= 2 and <= 4)
            return MediaType.Mp3;
        return MpegAudioFrame(head);
    }

    /// <summary>ISO base media (MP4, MOV, HEIF, AVIF, 3GP): the major brand after "ftyp".</summary>
    private static MediaType IsoMedia(ReadOnlySpan<byte> brand)
    {
        if (brand.SequenceEqual("qt  "u8))
            return MediaType.QuickTime;
        if (brand.SequenceEqual("M4A "u8) || brand.SequenceEqual("M4B "u8))
            return MediaType.M4a;
        if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8)
            || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("hevc"u8))
            return MediaType.Heic;
        if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            return MediaType.Avif;
        if (brand.StartsWith("3gp"u8) || brand.StartsWith("3g2"u8))
            return MediaType.ThreeGp;
        return MediaType.Mp4;
    }

    /// <summary>
    /// "BM" alone starts plenty of text, so the DIB header's size (at 14) must be one of the sizes
    /// the BMP versions define.
    /// </summary>
    private static bool IsBmp(ReadOnlySpan<byte> head) =>
        head.Length >= 18 && head.StartsWith("BM"u8)
        && BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(14)) is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124;

    /// <summary>
    /// An MP3 without an ID3 tag, or an ADTS AAC stream, starts with a frame header: 11 sync bits
    /// and no reserved value in the version, layer, bitrate or sample rate fields. Only two bytes
    /// of sync, so text is ruled out first by the 0xFF, which is never in UTF-8.
    /// </summary>
    private static MediaType? MpegAudioFrame(ReadOnlySpan<byte> head)
    {
        if (head.Length < 4 || head[0] != 0xFF || (head[1] & 0xE0) != 0xE0)
            return null;
        var version = (head[1] >> 3) & 3;
        var layer = (head[1] >> 1) & 3;
        if (layer == 0)
        {
            // ADTS: MPEG-4 or MPEG-2 AAC, layer always 0; sampling frequency index 13-15 is reserved.
            return (head[1] & 0xF6) == 0xF0 && ((head[2] >> 2) & 0xF) < 13 ? MediaType.Aac : null;
        }
        var bitrate = head[2] >> 4;
        var sampleRate = (head[2] >> 2) & 3;
        return version != 1 && bitrate is not (0 or 15) && sampleRate != 3 ? MediaType.Mp3 : null;
    }

    /// <summary>
    /// Valid UTF-8 without NULs or the C0 controls that only binary formats use (tab, line breaks,
    /// form feed and escape are text). A head of a longer file may end inside a character: up to 3
    /// bytes of an unfinished sequence are allowed there, and only there.
    /// </summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        var i = 0;
        while (i < head.Length)
        {
            var b = head[i];
            if (b < 0x80)
            {
                if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or 0x0B or 0x0C or (byte)'\r' or 0x1B) || b == 0x7F)
                    return false;
                i++;
                continue;
            }
            var length = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 0,
            };
            if (length == 0)
                return false;
            if (i + length > head.Length)
                return head.Length >= HeadBytes && ValidPrefix(head[i..]);
            if (!ValidPrefix(head.Slice(i, length)))
                return false;
            i += length;
        }
        return true;
    }

    /// <summary>Whether these bytes start a well-formed UTF-8 sequence (no overlong forms, no surrogates, nothing past U+10FFFF).</summary>
    private static bool ValidPrefix(ReadOnlySpan<byte> sequence)
    {
        var lead = sequence[0];
        for (var k = 1; k < sequence.Length; k++)
        {
            var b = sequence[k];
            var (low, high) = k > 1 ? (0x80, 0xBF) : lead switch
            {
                0xE0 => (0xA0, 0xBF),
                0xED => (0x80, 0x9F),
                0xF0 => (0x90, 0xBF),
                0xF4 => (0x80, 0x8F),
                _ => (0x80, 0xBF),
            };
            if (b < low || b > high)
                return false;
        }
        return true;
    }
}
