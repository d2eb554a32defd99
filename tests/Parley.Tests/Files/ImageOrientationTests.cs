using Parley.Server.Files;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>
/// EXIF orientation and metadata: a camera JPEG stores its pixels as the sensor read them and
/// says in EXIF how to turn them; what others download must be upright and carry no EXIF or GPS.
/// </summary>
public sealed class ImageOrientationTests : ImageFixture
{
    // Stored 960 × 640 with the marker in its top-left 240 × 160, far bigger than JPEG's 8 × 8 or
    // 16 × 16 blocks, so colours 40 pixels in from a corner survive compression.
    private const int StoredWidth = 960, StoredHeight = 640, Inset = 40;

    [Fact]
    public void The_native_library_decodes_and_encodes_here()
    {
        using var bitmap = TestImages.Marked(64, 48);
        foreach (var encoded in new[] { TestImages.Png(bitmap), TestImages.Jpeg(bitmap), TestImages.Webp(bitmap, lossless: true) })
        {
            using var decoded = TestImages.Decode(encoded);
            Assert.Equal((64, 48), (decoded.Width, decoded.Height));
            TestImages.AssertColor(TestImages.Marker, decoded.GetPixel(4, 4));
            TestImages.AssertColor(TestImages.Background, decoded.GetPixel(60, 44));
        }
    }

    [Fact]
    public void A_jpeg_rotated_by_exif_comes_out_upright_without_exif_or_gps()
    {
        using var stored = TestImages.Marked(StoredWidth, StoredHeight);
        var input = TestImages.WithExif(TestImages.Jpeg(stored), orientation: 6);
        Assert.True(TestImages.Contains(input, TestImages.GpsMarker));
        Assert.True(TestImages.Contains(input, TestImages.LatitudeBytes));

        var result = Process(input);

        // Orientation 6: the stored image is turned 90° clockwise to be upright, so the stored
        // top-left corner is the upright top-right one.
        Assert.Equal(new ImageFacts(StoredHeight, StoredWidth, "image/jpeg", 213, 320), result.Facts);
        using var upright = TestImages.Decode(result.Output);
        Assert.Equal((StoredHeight, StoredWidth), (upright.Width, upright.Height));
        TestImages.AssertColor(TestImages.Marker, upright.GetPixel(StoredHeight - 1 - Inset, Inset), where: "top right");
        TestImages.AssertColor(TestImages.Background, upright.GetPixel(Inset, Inset), where: "top left");
        TestImages.AssertColor(TestImages.Background, upright.GetPixel(Inset, StoredWidth - 1 - Inset), where: "bottom left");
        TestImages.AssertColor(TestImages.Background, upright.GetPixel(StoredHeight - 1 - Inset, StoredWidth - 1 - Inset), where: "bottom right");

        var markers = TestImages.JpegMarkers(result.Output);
        Assert.DoesNotContain((byte)0xE1, markers); // APP1: EXIF, XMP
        Assert.DoesNotContain((byte)0xE2, markers); // APP2: ICC profile
        Assert.DoesNotContain((byte)0xED, markers); // APP13: IPTC
        Assert.DoesNotContain((byte)0xFE, markers); // COM
        Assert.False(TestImages.Contains(result.Output, "Exif"));
        Assert.False(TestImages.Contains(result.Output, TestImages.GpsMarker));
        Assert.False(TestImages.Contains(result.Output, TestImages.LatitudeBytes));
        Assert.False(TestImages.Contains(result.Thumbnail, "Exif"));
        Assert.False(TestImages.Contains(result.Thumbnail, TestImages.GpsMarker));
    }

    /// <summary>Where the stored pixel (Inset, Inset) is once upright, for each EXIF orientation, and the upright size.</summary>
    public static TheoryData<ushort, int, int, int, int> Orientations() => new()
    {
        { 1, Inset, Inset, StoredWidth, StoredHeight },
        { 2, StoredWidth - 1 - Inset, Inset, StoredWidth, StoredHeight },
        { 3, StoredWidth - 1 - Inset, StoredHeight - 1 - Inset, StoredWidth, StoredHeight },
        { 4, Inset, StoredHeight - 1 - Inset, StoredWidth, StoredHeight },
        { 5, Inset, Inset, StoredHeight, StoredWidth },
        { 6, StoredHeight - 1 - Inset, Inset, StoredHeight, StoredWidth },
        { 7, StoredHeight - 1 - Inset, StoredWidth - 1 - Inset, StoredHeight, StoredWidth },
        { 8, Inset, StoredWidth - 1 - Inset, StoredHeight, StoredWidth },
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Every_orientation_puts_the_marked_corner_in_its_upright_place(ushort orientation, int x, int y, int width, int height)
    {
        using var stored = TestImages.Marked(StoredWidth, StoredHeight);
        var result = Process(TestImages.WithExif(TestImages.Jpeg(stored), orientation));

        Assert.Equal((width, height), (result.Facts.Width, result.Facts.Height));
        using var upright = TestImages.Decode(result.Output);
        Assert.Equal((width, height), (upright.Width, upright.Height));
        TestImages.AssertColor(TestImages.Marker, upright.GetPixel(x, y), where: "the marked corner");
        // The opposite corner is background: the image was turned, not just relabelled.
        TestImages.AssertColor(TestImages.Background, upright.GetPixel(width - 1 - x, height - 1 - y), where: "the opposite corner");

        // The thumbnail (decoded at a reduced scale, turned by a matrix) agrees.
        using var thumb = TestImages.Decode(result.Thumbnail);
        Assert.Equal((result.Facts.ThumbWidth, result.Facts.ThumbHeight), (thumb.Width, thumb.Height));
        Assert.Equal(320, Math.Max(thumb.Width, thumb.Height));
        var (tx, ty) = (x * thumb.Width / width, y * thumb.Height / height);
        TestImages.AssertColor(TestImages.Marker, thumb.GetPixel(tx, ty), where: "the thumbnail's marked corner");
        TestImages.AssertColor(TestImages.Background, thumb.GetPixel(thumb.Width - 1 - tx, thumb.Height - 1 - ty), where: "the thumbnail's opposite corner");
    }

    [Fact]
    public void A_png_loses_its_text_chunks_and_keeps_its_exact_pixels()
    {
        using var stored = TestImages.Marked(120, 80, SKAlphaType.Unpremul);
        stored.SetPixel(5, 5, new SKColor(10, 200, 30, 77)); // semi-transparent: must survive unpremultiplied
        var input = TestImages.WithPngChunk(TestImages.Png(stored), "tEXt", "Comment\0taken at 48.8582N 2.2945E"u8);
        Assert.True(TestImages.Contains(input, "48.8582N"));

        var result = Process(input);

        Assert.Equal(new ImageFacts(120, 80, "image/png", 120, 80) { ThumbMime = "image/png" }, result.Facts);
        Assert.Equal(MediaType.Png, MediaSniffer.Sniff(result.Output.AsSpan(0, MediaSniffer.HeadBytes)));
        Assert.False(TestImages.Contains(result.Output, "tEXt"));
        Assert.False(TestImages.Contains(result.Output, "48.8582N"));
        using var decoded = TestImages.Decode(result.Output);
        Assert.Equal(new SKColor(10, 200, 30, 77), decoded.GetPixel(5, 5));
        Assert.Equal(TestImages.Marker, decoded.GetPixel(20, 10));
        Assert.Equal(TestImages.Background, decoded.GetPixel(100, 70));
    }

    [Fact]
    public void A_still_webp_with_exif_is_turned_upright_and_loses_it()
    {
        // WebP has no scanline decoder: this is the path that decodes whole, then turns.
        using var stored = TestImages.Marked(200, 100);
        var webp = ExtendedWebp(TestImages.Webp(stored, lossless: true), 200, 100, TestImages.ExifApp1(8)[10..]);
        Assert.True(TestImages.Contains(webp, TestImages.GpsMarker));

        var result = Process(webp);

        Assert.Equal(new ImageFacts(100, 200, "image/webp", 100, 200), result.Facts);
        Assert.False(TestImages.Contains(result.Output, "EXIF"));
        Assert.False(TestImages.Contains(result.Output, TestImages.GpsMarker));
        using var upright = TestImages.Decode(result.Output);
        // Orientation 8: turned 90° counter-clockwise, the stored top-left corner is the upright bottom-left.
        Assert.Equal(TestImages.Marker, upright.GetPixel(10, 189));
        Assert.Equal(TestImages.Background, upright.GetPixel(89, 10));
    }

    /// <summary>A simple lossless WebP turned into the extended format with an EXIF chunk (VP8X flags: EXIF).</summary>
    private static byte[] ExtendedWebp(byte[] simple, int width, int height, byte[] tiff)
    {
        Assert.Equal("VP8L", System.Text.Encoding.ASCII.GetString(simple, 12, 4));
        var vp8x = new byte[18];
        "VP8X"u8.CopyTo(vp8x);
        vp8x[4] = 10;
        vp8x[8] = 0x08;
        vp8x[12] = (byte)(width - 1);
        vp8x[13] = (byte)((width - 1) >> 8);
        vp8x[15] = (byte)(height - 1);
        vp8x[16] = (byte)((height - 1) >> 8);
        var exif = new byte[8 + tiff.Length + (tiff.Length & 1)];
        "EXIF"u8.CopyTo(exif);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(exif.AsSpan(4), (uint)tiff.Length);
        tiff.CopyTo(exif, 8);
        byte[] result = [.. simple.AsSpan(0, 12), .. vp8x, .. simple.AsSpan(12), .. exif];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }

    [Fact]
    public void A_webp_is_encoded_again_as_webp_lossless_when_it_was()
    {
        using var stored = TestImages.Marked(200, 100);
        var lossless = Process(TestImages.Webp(stored, lossless: true));
        Assert.Equal(new ImageFacts(200, 100, "image/webp", 200, 100), lossless.Facts);
        Assert.True(TestImages.Contains(lossless.Output, "VP8L"));
        using (var decoded = TestImages.Decode(lossless.Output))
            Assert.Equal(TestImages.Marker, decoded.GetPixel(10, 10));

        var lossy = Process(TestImages.Webp(stored));
        Assert.Equal("image/webp", lossy.Facts.Mime);
        Assert.True(TestImages.Contains(lossy.Output, "VP8 "));
    }
}
