using System.Buffers.Binary;
using Parley.Server.Files;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>Thumbnails: their size, their type, and GIF and animated WebP files kept whole.</summary>
public sealed class ThumbnailTests : ImageFixture
{
    [Theory]
    [InlineData(1000, 500, 320, 160)]
    [InlineData(500, 1000, 160, 320)]
    [InlineData(4000, 3000, 320, 240)] // through several halvings for the PNG, a 1/8 decode for the JPEG
    [InlineData(321, 321, 320, 320)]
    [InlineData(3000, 10, 320, 1)]
    [InlineData(100, 50, 100, 50)] // never upscaled
    [InlineData(1, 1, 1, 1)]
    public void Thumbnails_fit_the_square_keep_the_aspect_and_never_grow(int width, int height, int thumbWidth, int thumbHeight)
    {
        using var bitmap = TestImages.Marked(width, height);
        foreach (var input in new[] { TestImages.Jpeg(bitmap), TestImages.Png(bitmap) })
        {
            var result = Process(input);
            Assert.Equal((width, height), (result.Facts.Width, result.Facts.Height));
            Assert.Equal((thumbWidth, thumbHeight), (result.Facts.ThumbWidth, result.Facts.ThumbHeight));
            Assert.Equal("image/jpeg", result.Facts.ThumbMime);
            using var thumb = TestImages.Decode(result.Thumbnail);
            Assert.Equal((thumbWidth, thumbHeight), (thumb.Width, thumb.Height));
            Assert.Equal(MediaType.Jpeg, MediaSniffer.Sniff(result.Thumbnail.AsSpan(0, 3)));
            if (thumbWidth >= 8 && thumbHeight >= 8)
            {
                TestImages.AssertColor(TestImages.Marker, thumb.GetPixel(thumbWidth / 8, thumbHeight / 8));
                TestImages.AssertColor(TestImages.Background, thumb.GetPixel(thumbWidth * 7 / 8, thumbHeight * 7 / 8));
            }
        }
    }

    [Fact]
    public void A_thumbnail_of_an_image_no_larger_than_the_square_has_its_exact_pixels()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        SKColor[] colors = [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White, SKColors.Black, new SKColor(10, 20, 30, 128)];
        for (var i = 0; i < colors.Length; i++)
            bitmap.SetPixel(i % 3, i / 3, colors[i]);
        var result = Process(TestImages.Png(bitmap));
        Assert.Equal("image/png", result.Facts.ThumbMime);
        using var thumb = TestImages.Decode(result.Thumbnail);
        for (var i = 0; i < colors.Length - 1; i++)
            Assert.Equal(colors[i], thumb.GetPixel(i % 3, i / 3));
        // Premultiplied on the way, so a half-transparent pixel may move by one step.
        TestImages.AssertColor(colors[^1], thumb.GetPixel(2, 1), tolerance: 2);
        Assert.Equal(128, thumb.GetPixel(2, 1).Alpha);
    }

    [Fact]
    public void The_thumbnail_size_is_configurable()
    {
        var result = Process(TestImages.Jpeg(TestImages.Marked(1000, 500)), new ImageLimits { ThumbSize = 100 });
        Assert.Equal((100, 50), (result.Facts.ThumbWidth, result.Facts.ThumbHeight));
    }

    [Fact]
    public void A_transparent_image_gets_a_png_thumbnail_that_keeps_the_transparency()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(800, 400, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { Color = TestImages.Marker };
            canvas.DrawRect(0, 0, 400, 400, paint);
        }
        foreach (var input in new[] { TestImages.Png(bitmap), TestImages.Webp(bitmap, lossless: true) })
        {
            var result = Process(input);
            Assert.Equal("image/png", result.Facts.ThumbMime);
            Assert.Equal(MediaType.Png, MediaSniffer.Sniff(result.Thumbnail.AsSpan(0, 8)));
            using var thumb = TestImages.Decode(result.Thumbnail);
            Assert.Equal((320, 160), (thumb.Width, thumb.Height));
            Assert.Equal(255, thumb.GetPixel(40, 80).Alpha);
            TestImages.AssertColor(TestImages.Marker, thumb.GetPixel(40, 80));
            Assert.Equal(0, thumb.GetPixel(280, 80).Alpha);
        }
    }

    [Fact]
    public void An_image_with_an_alpha_channel_but_no_transparent_pixel_gets_a_jpeg_thumbnail()
    {
        using var bitmap = TestImages.Marked(600, 400, SKAlphaType.Unpremul);
        var result = Process(TestImages.Png(bitmap));
        Assert.Equal("image/png", result.Facts.Mime);
        Assert.Equal("image/jpeg", result.Facts.ThumbMime);
    }

    [Fact]
    public void A_gif_is_copied_byte_for_byte_with_its_animation()
    {
        SKColor[] palette = [TestImages.Marker, TestImages.Background, SKColors.Green, SKColors.White];
        const int width = 40, height = 30;
        var first = new byte[width * height];
        for (var i = 0; i < first.Length; i++)
            first[i] = (byte)(i % width < width / 2 && i / width < height / 2 ? 0 : 1);
        var second = Enumerable.Repeat((byte)2, width * height).ToArray();
        var gif = TestImages.Gif(width, height, palette, first, second);
        using (var codec = SKCodec.Create(new MemoryStream(gif)))
            Assert.Equal(2, codec.FrameCount);

        var result = Process(gif, name: "party.gif");

        Assert.Equal(gif, result.Output);
        Assert.Equal(new ImageFacts(width, height, "image/gif", width, height), result.Facts);
        using var thumb = TestImages.Decode(result.Thumbnail);
        TestImages.AssertColor(TestImages.Marker, thumb.GetPixel(5, 5));
        TestImages.AssertColor(TestImages.Background, thumb.GetPixel(35, 25));
    }

    [Fact]
    public void A_truncated_gif_is_a_bad_image()
    {
        var frame = new byte[200 * 100];
        new Random(3).NextBytes(frame);
        for (var i = 0; i < frame.Length; i++)
            frame[i] &= 3;
        var gif = TestImages.Gif(200, 100, [SKColors.Red, SKColors.Blue, SKColors.Green, SKColors.White], frame);
        using var output = new MemoryStream();
        using var thumbnail = new MemoryStream();
        var refused = Assert.Throws<ImageRefusedException>(() =>
            new ImageProcessor(new ImageLimits()).Process(Write(gif[..(gif.Length / 2)]), output, thumbnail));
        Assert.Equal("bad_image", refused.Code);
    }

    [Fact]
    public void An_animated_webp_keeps_its_frames_and_loses_its_exif()
    {
        using var red = TestImages.Marked(64, 48);
        using var blue = new SKBitmap(new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Opaque));
        blue.Erase(TestImages.Background);
        using var redPixels = red.PeekPixels();
        using var bluePixels = blue.PeekPixels();
        using var encoded = new MemoryStream();
        Assert.True(SKWebpEncoder.EncodeAnimated(encoded, [new SKWebpEncoderFrame(redPixels, TimeSpan.FromMilliseconds(100)), new SKWebpEncoderFrame(bluePixels, TimeSpan.FromMilliseconds(100))],
            new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 50)));
        var webp = WithWebpExif(encoded.ToArray(), TestImages.ExifApp1(1)[10..]);
        Assert.True(TestImages.Contains(webp, TestImages.GpsMarker));
        using (var codec = SKCodec.Create(new MemoryStream(webp)))
            Assert.Equal(2, codec.FrameCount);

        var result = Process(webp);

        Assert.Equal(new ImageFacts(64, 48, "image/webp", 64, 48), result.Facts);
        Assert.False(TestImages.Contains(result.Output, "EXIF"));
        Assert.False(TestImages.Contains(result.Output, TestImages.GpsMarker));
        // Skia wrote no metadata, so cutting the chunk and clearing its VP8X flag gives its bytes back.
        Assert.Equal(encoded.ToArray(), result.Output);
        using (var codec = SKCodec.Create(new MemoryStream(result.Output)))
        {
            Assert.Equal(2, codec.FrameCount);
            Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
        }
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(result.Output.AsSpan(4)) + 8, (uint)result.Output.Length);
        using var thumb = TestImages.Decode(result.Thumbnail);
        TestImages.AssertColor(TestImages.Marker, thumb.GetPixel(4, 4));
    }

    /// <summary>Appends an EXIF chunk (a TIFF body) to an extended WebP, setting its flag in VP8X, as a camera app would.</summary>
    private static byte[] WithWebpExif(byte[] webp, byte[] tiff)
    {
        Assert.Equal("VP8X", System.Text.Encoding.ASCII.GetString(webp, 12, 4));
        var chunk = new byte[8 + tiff.Length + (tiff.Length & 1)];
        "EXIF"u8.CopyTo(chunk);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), (uint)tiff.Length);
        tiff.CopyTo(chunk, 8);
        byte[] result = [.. webp, .. chunk];
        result[20] |= 0x08;
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }
}
