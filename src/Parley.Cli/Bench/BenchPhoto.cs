using SkiaSharp;

namespace Parley.Cli.Bench;

/// <summary>
/// A photo stand-in for image benchmarks (`bench thumbnail`, `bench fanout --upload-kind photo`):
/// a diagonal colour gradient, waves of a few sizes (edges and texture at several scales, like a
/// scene), and per-pixel noise (like a sensor's); at quality 92 it is a few megabytes at 12 MP, as a
/// phone's JPEG is. The same arguments give the same bytes.
/// </summary>
public static class BenchPhoto
{
    public static byte[] Jpeg(int width, int height, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var random = new Random(12);
        var noise = new sbyte[4096];
        for (var i = 0; i < noise.Length; i++)
            noise[i] = (sbyte)random.Next(-12, 13);
        for (var y = 0; y < height; y++)
        {
            var waveY = Math.Sin(y / 37.0) * 18;
            for (var x = 0; x < width; x++)
            {
                var wave = Math.Sin((x + y) / 211.0) * 40 + Math.Sin(x / 13.0) * waveY;
                var n = noise[(x * 7 + y * 131) & 4095] + noise[(x * 31 + y * 17) & 4095] / 2;
                var i = (y * width + x) * 4;
                pixels[i] = Clamp(x * 255.0 / width + wave + n);
                pixels[i + 1] = Clamp(y * 255.0 / height + wave * 0.6 + n);
                pixels[i + 2] = Clamp(200 - (x + y) * 120.0 / (width + height) - wave * 0.4 + n);
                pixels[i + 3] = 255;
            }
        }
        using var pixmap = bitmap.PeekPixels();
        using var jpeg = new MemoryStream();
        if (!pixmap.Encode(jpeg, new SKJpegEncoderOptions(quality)))
            throw new InvalidOperationException("Skia could not encode the benchmark photo");
        return jpeg.ToArray();
    }

    /// <summary>
    /// The JPEG with an EXIF segment that gives it <paramref name="orientation"/> (6: a phone's
    /// portrait photo, to be turned 90° clockwise), put right after its start marker.
    /// </summary>
    public static byte[] WithOrientation(byte[] jpeg, ushort orientation) =>
        [.. jpeg.AsSpan(0, 2), .. OrientationSegment(orientation), .. jpeg.AsSpan(2)];

    /// <summary>An EXIF APP1 segment with only IFD0's Orientation, as a phone writes.</summary>
    private static byte[] OrientationSegment(ushort orientation) =>
    [
        0xFF, 0xE1, 0, 34, .. "Exif\0\0"u8, (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
        0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, 0, 0, 0, 0,
    ];

    private static byte Clamp(double value) => (byte)Math.Clamp((int)value, 0, 255);
}
