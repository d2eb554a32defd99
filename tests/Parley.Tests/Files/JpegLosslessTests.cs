using Parley.Server.Files;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>
/// An upright JPEG loses its metadata without being decoded and encoded again: its segments are
/// copied without the metadata ones, its image data byte for byte (<see cref="JpegCopyPlan"/>).
/// </summary>
public sealed class JpegLosslessTests : ImageFixture
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the EXIF says "upright" (orientation 1)
    public void An_upright_jpeg_loses_exif_gps_xmp_iptc_and_comments_and_keeps_its_image_data_byte_for_byte(bool orientationOne)
    {
        using var photo = TestImages.Photo(960, 640);
        var original = TestImages.Jpeg(photo);
        byte[][] metadata = orientationOne
            ? [TestImages.ExifApp1(1), TestImages.XmpApp1(), TestImages.PhotoshopApp13(), TestImages.CommentSegment()]
            : [TestImages.XmpApp1(), TestImages.PhotoshopApp13(), TestImages.CommentSegment()];
        var input = TestImages.WithSegments(original, metadata);
        // One more comment just before the image data, after the tables.
        var scan = TestImages.FirstScanOffset(input);
        input = [.. input.AsSpan(0, scan), .. TestImages.CommentSegment(), .. input.AsSpan(scan)];
        foreach (var marker in new[] { TestImages.XmpMarker, TestImages.IptcMarker, TestImages.CommentMarker })
            Assert.True(TestImages.Contains(input, marker), marker);
        Assert.Equal(orientationOne, TestImages.Contains(input, TestImages.GpsMarker));

        var result = Process(input);

        Assert.Equal(new ImageFacts(960, 640, "image/jpeg", 320, 213), result.Facts);
        var markers = TestImages.JpegMarkers(result.Output);
        Assert.DoesNotContain((byte)0xE1, markers); // APP1: EXIF, XMP
        Assert.DoesNotContain((byte)0xED, markers); // APP13: Photoshop, IPTC
        Assert.DoesNotContain((byte)0xFE, markers); // COM
        foreach (var marker in new[] { "Exif", "http://ns.adobe.com", "Photoshop", "8BIM", TestImages.XmpMarker, TestImages.IptcMarker, TestImages.CommentMarker, TestImages.GpsMarker })
            Assert.False(TestImages.Contains(result.Output, marker), marker);
        Assert.False(TestImages.Contains(result.Output, TestImages.LatitudeBytes));

        // The image data, from the start of the scan to the end, is the input's; and as Skia wrote
        // nothing that is stripped, the whole file is Skia's again.
        Assert.Equal(input.AsSpan(TestImages.FirstScanOffset(input)).ToArray(), result.Output.AsSpan(TestImages.FirstScanOffset(result.Output)).ToArray());
        Assert.Equal(original, result.Output);
        using (var before = TestImages.Decode(input))
        using (var after = TestImages.Decode(result.Output))
            AssertSamePixels(before, after);

        using var thumb = TestImages.Decode(result.Thumbnail);
        Assert.Equal((320, 213), (thumb.Width, thumb.Height));
        Assert.False(TestImages.Contains(result.Thumbnail, "Exif"));
        Assert.False(TestImages.Contains(result.Thumbnail, TestImages.XmpMarker));
    }

    [Fact]
    public void A_jpeg_without_metadata_comes_out_as_it_went_in()
    {
        var jpeg = TestImages.Jpeg(TestImages.Marked(400, 300));
        Assert.Equal(jpeg, Process(jpeg).Output);
    }

    [Fact]
    public void What_follows_the_end_of_image_is_dropped()
    {
        // A phone's second picture (an HDR gain map, a depth map) follows the first, with its own EXIF.
        var jpeg = TestImages.Jpeg(TestImages.Marked(400, 300));
        var second = TestImages.WithExif(TestImages.Jpeg(TestImages.Marked(100, 75)), 1);
        var result = Process([.. jpeg, .. second, .. "SEFT trailer"u8]);
        Assert.Equal(jpeg, result.Output);
    }

    [Fact]
    public void Fill_bytes_before_markers_are_allowed_and_those_after_the_image_data_are_kept()
    {
        var jpeg = TestImages.Jpeg(TestImages.Marked(400, 300));
        var scan = TestImages.FirstScanOffset(jpeg);
        // FF FF before the scan's marker (dropped with the segment boundary) and before the end-of-image marker (part of the scan's bytes).
        byte[] input = [.. jpeg.AsSpan(0, scan), 0xFF, 0xFF, .. jpeg.AsSpan(scan, jpeg.Length - scan - 2), 0xFF, 0xFF, 0xFF, 0xD9];
        var result = Process(input);
        Assert.Equal([.. jpeg.AsSpan(0, jpeg.Length - 2), 0xFF, 0xFF, 0xFF, 0xD9], result.Output);
    }

    [Fact]
    public void Jfif_is_kept_without_its_thumbnail_and_adobe_with_its_twelve_bytes()
    {
        var jpeg = TestImages.Jpeg(TestImages.Marked(400, 300));
        Assert.Equal(0xE0, jpeg[3]); // Skia writes a JFIF APP0 without a thumbnail
        var jfifLength = jpeg[4] << 8 | jpeg[5];
        var withoutJfif = jpeg.AsSpan(4 + jfifLength).ToArray();
        // JFIF 1.02, 72 dpi, with a 2 × 1 RGB thumbnail of a "secret" colour; Adobe with two bytes too many.
        var jfif = TestImages.JpegSegment(0xE0, [.. "JFIF\0"u8, 1, 2, 1, 0, 72, 0, 72, 2, 1, 0xAB, 0xCD, 0xEF, 0xAB, 0xCD, 0xEF]);
        var adobe = TestImages.JpegSegment(0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1, 0x5E, 0xC7]);
        byte[] input = [0xFF, 0xD8, .. jfif, .. adobe, .. withoutJfif];

        var result = Process(input);

        byte[] expectedJfif = TestImages.JpegSegment(0xE0, [.. "JFIF\0"u8, 1, 2, 1, 0, 72, 0, 72, 0, 0]);
        byte[] expectedAdobe = TestImages.JpegSegment(0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 1]);
        Assert.Equal([0xFF, 0xD8, .. expectedJfif, .. expectedAdobe, .. withoutJfif], result.Output);
        using var before = TestImages.Decode(input);
        using var after = TestImages.Decode(result.Output);
        AssertSamePixels(before, after);
    }

    [Fact]
    public void An_upright_jpeg_keeps_its_icc_profile_and_its_thumbnail_is_converted_to_srgb()
    {
        var (input, p3Color) = DisplayP3Jpeg();
        var icc = IccSegment(input);
        Assert.NotNull(icc);

        var result = Process(input);

        // The coefficients are Display P3 values: the profile stays with them, unchanged.
        Assert.Equal(icc, IccSegment(result.Output));
        Assert.Equal(input.AsSpan(TestImages.FirstScanOffset(input)).ToArray(), result.Output.AsSpan(TestImages.FirstScanOffset(result.Output)).ToArray());
        using (var codec = SKCodec.Create(new MemoryStream(result.Output)))
            Assert.False(codec.Info.ColorSpace is null || codec.Info.ColorSpace.IsSrgb);
        using (var before = DecodeSrgb(input))
        using (var after = DecodeSrgb(result.Output))
            AssertSamePixels(before, after);

        // The thumbnail is sRGB, without a profile: its colour is the P3 one converted, not the raw numbers.
        Assert.Null(IccSegment(result.Thumbnail));
        using var srgb = DecodeSrgb(input);
        using var thumb = TestImages.Decode(result.Thumbnail);
        TestImages.AssertColor(srgb.GetPixel(200, 150), thumb.GetPixel(thumb.Width / 2, thumb.Height / 2), tolerance: 6);
        AssertFar(p3Color, srgb.GetPixel(200, 150));
    }

    [Fact]
    public void A_turned_jpeg_with_an_icc_profile_is_re_encoded_in_srgb_without_it()
    {
        var (p3, p3Color) = DisplayP3Jpeg();
        var input = TestImages.WithExif(p3, 6);

        var result = Process(input);

        Assert.Equal((300, 400), (result.Facts.Width, result.Facts.Height));
        Assert.Null(IccSegment(result.Output));
        using var srgb = DecodeSrgb(p3);
        using var upright = TestImages.Decode(result.Output);
        TestImages.AssertColor(srgb.GetPixel(200, 150), upright.GetPixel(150, 200), tolerance: 6);
        AssertFar(p3Color, upright.GetPixel(150, 200));
    }

    /// <summary>A 400 × 300 JPEG of one Display P3 colour, with the ICC profile Skia writes for it (APP2).</summary>
    private static (byte[] Jpeg, SKColor Color) DisplayP3Jpeg()
    {
        var color = new SKColor(40, 190, 60);
        var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        using var bitmap = new SKBitmap(new SKImageInfo(400, 300, SKColorType.Rgba8888, SKAlphaType.Opaque, p3));
        // Written as raw P3 values (Erase would convert an sRGB colour to P3).
        var pixels = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i += 4)
            (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (color.Red, color.Green, color.Blue, 255);
        return (TestImages.Jpeg(bitmap), color);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 7)] // restart markers in the scan
    [InlineData(true, 0)]
    [InlineData(true, 5)]
    public void A_hand_made_jpeg_loses_the_metadata_between_its_scans_and_keeps_every_scan(bool progressive, int restartInterval)
    {
        const int width = 320, height = 240;
        var parts = HandMadeJpeg.Parts(width, height, Checkered, progressive, restartInterval);
        var expected = HandMadeJpeg.Join(parts);
        // Metadata after the start of image, before each scan but the first, and before the end of image.
        var input = new List<byte[]>();
        var scans = 0;
        foreach (var part in parts)
        {
            if (part[1] == 0xDA && scans++ > 0 || part[1] == 0xD9)
                input.AddRange([TestImages.XmpApp1(), TestImages.CommentSegment(), TestImages.JpegSegment(0xEB, "JP\0\0JUMBF"u8)]);
            input.Add(part);
            if (part[1] == 0xD8)
                input.AddRange([TestImages.ExifApp1(1), TestImages.PhotoshopApp13()]);
        }
        var bytes = HandMadeJpeg.Join(input);
        Assert.Equal(progressive ? 4 : 1, scans);
        using (var codec = SKCodec.Create(new MemoryStream(bytes)))
            Assert.Equal((width, height), (codec.Info.Width, codec.Info.Height));

        var result = Process(bytes);

        Assert.Equal(expected, result.Output);
        Assert.Equal(new ImageFacts(width, height, "image/jpeg", width, height), result.Facts);
        using var decoded = TestImages.Decode(result.Output);
        using (var fromInput = TestImages.Decode(bytes))
            AssertSamePixels(fromInput, decoded);
        for (var by = 0; by < height / 8; by += 5)
        {
            for (var bx = 0; bx < width / 8; bx += 3)
                TestImages.AssertColor(Checkered(bx, by), decoded.GetPixel(bx * 8 + 4, by * 8 + 4), tolerance: 3, where: $"block {bx},{by}");
        }
    }

    [Fact]
    public void A_large_progressive_jpeg_gets_its_thumbnail_from_a_reduced_decode()
    {
        var parts = HandMadeJpeg.Parts(1280, 960, Checkered, progressive: true);
        var input = HandMadeJpeg.Join([parts[0], TestImages.ExifApp1(1), .. parts[1..]]);
        var result = Process(input);
        Assert.Equal(HandMadeJpeg.Join(parts), result.Output);
        using var thumb = TestImages.Decode(result.Thumbnail);
        Assert.Equal((320, 240), (thumb.Width, thumb.Height));
        TestImages.AssertColor(Checkered(0, 0), thumb.GetPixel(0, 0), where: "the first block");
    }

    private static SKColor Checkered(int bx, int by) => (bx / 4 + by / 4) % 2 == 0
        ? TestImages.Marker
        : new SKColor((byte)(bx * 7 % 256), (byte)(by * 11 % 256), (byte)((bx + by) * 5 % 256));

    private static SKBitmap DecodeSrgb(byte[] encoded)
    {
        using var codec = SKCodec.Create(new MemoryStream(encoded));
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap(info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels()));
        return bitmap;
    }

    /// <summary>The payload of the first APP2 ICC_PROFILE segment before the image data, or null.</summary>
    private static byte[]? IccSegment(byte[] jpeg)
    {
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
        {
            var length = jpeg[i + 2] << 8 | jpeg[i + 3];
            if (jpeg[i + 1] == 0xE2 && jpeg.AsSpan(i + 4).StartsWith("ICC_PROFILE\0"u8))
                return jpeg.AsSpan(i + 4, length - 2).ToArray();
            i += 2 + length;
        }
        return null;
    }

    private static void AssertSamePixels(SKBitmap expected, SKBitmap actual)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.True(expected.GetPixelSpan().SequenceEqual(actual.GetPixelSpan()), "the decoded pixels differ");
    }

    private static void AssertFar(SKColor raw, SKColor converted)
    {
        var distance = Math.Max(Math.Abs(raw.Red - converted.Red), Math.Max(Math.Abs(raw.Green - converted.Green), Math.Abs(raw.Blue - converted.Blue)));
        Assert.True(distance > 12, $"{raw} and {converted} are too close to show a colour conversion");
    }
}
