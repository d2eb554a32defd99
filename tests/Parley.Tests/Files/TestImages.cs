using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>
/// Real images made in the tests: pixels drawn and encoded with SkiaSharp, and the parts Skia does
/// not write (EXIF segments, PNG text chunks, GIF files, oversized headers) assembled byte by byte.
/// </summary>
internal static class TestImages
{
    public static readonly SKColor Marker = new(230, 20, 20);
    public static readonly SKColor Background = new(20, 40, 220);

    /// <summary>A <paramref name="width"/> × <paramref name="height"/> picture of <see cref="Background"/> with a <see cref="Marker"/> block in its top-left quarter-by-quarter corner.</summary>
    public static SKBitmap Marked(int width, int height, SKAlphaType alpha = SKAlphaType.Opaque)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(Background);
        using var paint = new SKPaint { Color = Marker };
        canvas.DrawRect(0, 0, width / 4f, height / 4f, paint);
        return bitmap;
    }

    /// <summary>Gradients and noise, so a codec has real work and the file is not trivially small.</summary>
    public static SKBitmap Photo(int width, int height, int seed = 7)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(seed);
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var noise = random.Next(-16, 17);
                var i = (y * width + x) * 4;
                pixels[i] = (byte)Math.Clamp(x * 255 / width + noise, 0, 255);
                pixels[i + 1] = (byte)Math.Clamp(y * 255 / height + noise, 0, 255);
                pixels[i + 2] = (byte)Math.Clamp(128 + noise, 0, 255);
                pixels[i + 3] = 255;
            }
        }
        return bitmap;
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 92) => Encode(bitmap, (p, s) => p.Encode(s, new SKJpegEncoderOptions(quality)));

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, (p, s) => p.Encode(s, SKPngEncoderOptions.Default));

    public static byte[] Webp(SKBitmap bitmap, bool lossless = false) =>
        Encode(bitmap, (p, s) => p.Encode(s, new SKWebpEncoderOptions(lossless ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, 90)));

    private static byte[] Encode(SKBitmap bitmap, Func<SKPixmap, Stream, bool> encode)
    {
        using var pixmap = bitmap.PeekPixels();
        using var output = new MemoryStream();
        Assert.True(encode(pixmap, output), "Skia did not encode the test image");
        return output.ToArray();
    }

    /// <summary>Decodes an encoded image to unpremultiplied RGBA (without applying any EXIF orientation).</summary>
    public static SKBitmap Decode(byte[] encoded)
    {
        using var codec = SKCodec.Create(new MemoryStream(encoded)) ?? throw new InvalidOperationException("not decodable");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels()));
        return bitmap;
    }

    public static void AssertColor(SKColor expected, SKColor actual, int tolerance = 48, string? where = null)
    {
        var distance = Math.Max(Math.Abs(expected.Red - actual.Red), Math.Max(Math.Abs(expected.Green - actual.Green), Math.Abs(expected.Blue - actual.Blue)));
        Assert.True(distance <= tolerance, $"expected {expected} but found {actual}{(where is null ? "" : " at " + where)}");
    }

    /// <summary>
    /// An EXIF APP1 segment, big-endian TIFF: IFD0 holds Orientation and a pointer to a GPS IFD,
    /// which holds a latitude and longitude (48°51'29.5" N, 2°17'40" E) and a processing-method
    /// text <see cref="GpsMarker"/> to look for in the output.
    /// </summary>
    public static byte[] ExifApp1(ushort orientation)
    {
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(long v) { U16((int)(v >> 16) & 0xFFFF); U16((int)v & 0xFFFF); }
        void Entry(int tag, int type, int count, long valueOrOffset, bool shortValue = false)
        {
            U16(tag);
            U16(type);
            U32(count);
            if (shortValue)
            {
                U16((int)valueOrOffset);
                U16(0);
            }
            else
                U32(valueOrOffset);
        }

        tiff.AddRange("MM"u8.ToArray());
        U16(42);
        U32(8);
        // IFD0 at 8: two entries, then no next IFD: 2 + 2 * 12 + 4 = 30 bytes.
        const int gpsIfd = 8 + 30;
        U16(2);
        Entry(0x0112, 3, 1, orientation, shortValue: true);
        Entry(0x8825, 4, 1, gpsIfd);
        U32(0);
        // GPS IFD: six entries, 2 + 6 * 12 + 4 = 78 bytes, then its values.
        const int latitude = gpsIfd + 78;
        const int longitude = latitude + 24;
        const int method = longitude + 24;
        var methodText = Encoding.ASCII.GetBytes("ASCII\0\0\0" + GpsMarker);
        U16(6);
        Entry(0x0000, 1, 4, 0x02030000);
        Entry(0x0001, 2, 2, 'N' << 24);
        Entry(0x0002, 5, 3, latitude);
        Entry(0x0003, 2, 2, 'E' << 24);
        Entry(0x0004, 5, 3, longitude);
        Entry(0x001B, 7, methodText.Length, method);
        U32(0);
        foreach (var (numerator, denominator) in new (long, long)[] { (48, 1), (51, 1), (2950, 100), (2, 1), (17, 1), (4000, 100) })
        {
            U32(numerator);
            U32(denominator);
        }
        tiff.AddRange(methodText);

        var segment = new List<byte> { 0xFF, 0xE1 };
        var length = 2 + 6 + tiff.Count;
        segment.Add((byte)(length >> 8));
        segment.Add((byte)length);
        segment.AddRange("Exif\0\0"u8.ToArray());
        segment.AddRange(tiff);
        return [.. segment];
    }

    public const string GpsMarker = "PARLEY-GPS-FIX";

    /// <summary>The rationals of the latitude as stored: 48/1, 51/1, 2950/100.</summary>
    public static readonly byte[] LatitudeBytes = [0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0x0B, 0x86, 0, 0, 0, 100];

    /// <summary>A JPEG with an EXIF segment right after its start-of-image marker, where cameras put it.</summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation) => [.. jpeg.AsSpan(0, 2), .. ExifApp1(orientation), .. jpeg.AsSpan(2)];

    /// <summary>The markers of a JPEG's segments before its image data (APPn, COM, DQT, SOF...).</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        var markers = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA)
                break;
            i += 2 + (jpeg[i + 2] << 8 | jpeg[i + 3]);
        }
        return markers;
    }

    /// <summary>The offset of a JPEG's first start-of-scan marker: from there on is its image data.</summary>
    public static int FirstScanOffset(byte[] jpeg)
    {
        var i = 2;
        while (i + 4 <= jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[i]);
            if (jpeg[i + 1] == 0xDA)
                return i;
            i += 2 + (jpeg[i + 2] << 8 | jpeg[i + 3]);
        }
        throw new InvalidOperationException("no start-of-scan marker");
    }

    /// <summary>A JPEG segment: FF, its code, its length (which counts itself) and its payload.</summary>
    public static byte[] JpegSegment(byte code, ReadOnlySpan<byte> payload) => HandMadeJpeg.Segment(code, payload);

    /// <summary>A JPEG with <paramref name="segments"/> right after its start-of-image marker.</summary>
    public static byte[] WithSegments(byte[] jpeg, params byte[][] segments) => [.. jpeg.AsSpan(0, 2), .. segments.SelectMany(s => s), .. jpeg.AsSpan(2)];

    public const string XmpMarker = "PARLEY-XMP-CITY";

    /// <summary>An XMP APP1 segment (the XMP namespace, then an RDF packet holding <see cref="XmpMarker"/>).</summary>
    public static byte[] XmpApp1() => JpegSegment(0xE1, Encoding.ASCII.GetBytes(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
        "<rdf:Description xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" photoshop:City=\"" + XmpMarker + "\"/></rdf:RDF></x:xmpmeta>"));

    public const string IptcMarker = "PARLEY-IPTC-BYLINE";

    /// <summary>A Photoshop APP13 segment with an IPTC resource (8BIM 0x0404) whose By-line (2:80) is <see cref="IptcMarker"/>.</summary>
    public static byte[] PhotoshopApp13()
    {
        var byline = Encoding.ASCII.GetBytes(IptcMarker);
        byte[] iptc = [0x1C, 2, 80, 0, (byte)byline.Length, .. byline];
        byte[] resource = [.. "8BIM"u8, 0x04, 0x04, 0, 0, 0, 0, 0, (byte)iptc.Length, .. iptc, .. (iptc.Length % 2 == 1 ? new byte[] { 0 } : [])];
        return JpegSegment(0xED, [.. "Photoshop 3.0\0"u8, .. resource]);
    }

    public const string CommentMarker = "PARLEY-COMMENT: taken at home";

    public static byte[] CommentSegment() => JpegSegment(0xFE, Encoding.ASCII.GetBytes(CommentMarker));

    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public static bool Contains(byte[] haystack, string ascii) => Contains(haystack, Encoding.ASCII.GetBytes(ascii));

    /// <summary>A PNG chunk with its length and CRC.</summary>
    public static byte[] PngChunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>Inserts a chunk after IHDR (signature 8 bytes, IHDR 25).</summary>
    public static byte[] WithPngChunk(byte[] png, string type, ReadOnlySpan<byte> data) => [.. png.AsSpan(0, 33), .. PngChunk(type, data), .. png.AsSpan(33)];

    public static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// A real, valid PNG of a huge black image: 1 bit a pixel, every row zeros, deflated. At
    /// 20,000 × 20,000 it is 50 MB of rows compressed to about 50 KB, and 1.6 GB once decoded to 32-bit pixels.
    /// </summary>
    public static byte[] PngBomb(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 1; // bit depth
        ihdr[9] = 0; // greyscale
        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (width + 7) / 8];
            for (var y = 0; y < height; y++)
                zlib.Write(row);
        }
        return [.. PngSignature, .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", deflated.ToArray()), .. PngChunk("IEND", [])];
    }

    /// <summary>A PNG whose header claims this size, with one tiny IDAT: a bomb's header without its body.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        return [.. PngSignature, .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), .. PngChunk("IEND", [])];
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>
    /// An animated GIF89a (Skia encodes no GIF): a 4-colour palette, a comment, a looping
    /// extension and one frame per entry of <paramref name="frames"/>, each a palette index per
    /// pixel, <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, params byte[][] frames)
    {
        var gif = new List<byte>();
        void U16(int v) { gif.Add((byte)v); gif.Add((byte)(v >> 8)); }
        gif.AddRange("GIF89a"u8.ToArray());
        U16(width);
        U16(height);
        gif.AddRange(new byte[] { 0xF1, 0, 0 }); // global palette of 4 colours, background 0, no aspect ratio
        for (var i = 0; i < 4; i++)
            gif.AddRange(new[] { palette[i].Red, palette[i].Green, palette[i].Blue });
        gif.AddRange(new byte[] { 0x21, 0xFF, 11 });
        gif.AddRange("NETSCAPE2.0"u8.ToArray());
        gif.AddRange(new byte[] { 3, 1, 0, 0, 0 });
        var comment = "made by Parley's tests"u8.ToArray();
        gif.AddRange(new byte[] { 0x21, 0xFE, (byte)comment.Length });
        gif.AddRange(comment);
        gif.Add(0);
        foreach (var frame in frames)
        {
            gif.AddRange(new byte[] { 0x21, 0xF9, 4, 0, 10, 0, 0, 0 }); // 100 ms, no transparency
            gif.Add(0x2C);
            U16(0);
            U16(0);
            U16(width);
            U16(height);
            gif.Add(0);
            gif.Add(2); // LZW minimum code size
            var data = LiteralLzw(frame);
            for (var i = 0; i < data.Length; i += 255)
            {
                var block = Math.Min(255, data.Length - i);
                gif.Add((byte)block);
                gif.AddRange(data.AsSpan(i, block).ToArray());
            }
            gif.Add(0);
        }
        gif.Add(0x3B);
        return [.. gif];
    }

    /// <summary>
    /// LZW a decoder accepts without compressing anything: with 2-bit pixels, codes are 3 bits,
    /// and a clear code every two pixels keeps the code table from growing to 4-bit codes.
    /// </summary>
    private static byte[] LiteralLzw(byte[] pixels)
    {
        const int clear = 4, end = 5;
        var codes = new List<int>();
        for (var i = 0; i < pixels.Length; i++)
        {
            if (i % 2 == 0)
                codes.Add(clear);
            codes.Add(pixels[i]);
        }
        codes.Add(end);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0)
            bytes.Add((byte)buffer);
        return [.. bytes];
    }
}
