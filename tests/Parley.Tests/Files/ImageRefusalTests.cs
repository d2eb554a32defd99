using System.Buffers.Binary;
using Parley.Server.Files;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>Images that must be refused, each with its stable code, and nothing written.</summary>
public sealed class ImageRefusalTests : ImageFixture
{
    [Fact]
    public void A_png_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.PngBomb(20_000, 20_000);
        Assert.InRange(bomb.Length, 1, 200_000); // a real, complete PNG of 400 megapixels

        var refused = Refused(bomb);

        Assert.Equal(ImageRefusedException.TooLargeCode, refused.Code);
        Assert.Equal("image_too_large", refused.Code);
        Assert.Contains("20000×20000", refused.Message);
    }

    [Fact]
    public void Sizes_whose_pixel_count_overflows_an_int_are_too_large_too()
    {
        Assert.Equal("image_too_large", Refused(TestImages.PngHeaderOnly(65_536, 65_536)).Code);
        Assert.Equal("image_too_large", Refused(TestImages.Gif(65_535, 65_535, [SKColors.Black, SKColors.White, SKColors.Red, SKColors.Blue], [0])).Code);
    }

    [Fact]
    public void A_jpeg_whose_frame_header_claims_a_huge_size_is_too_large()
    {
        var jpeg = TestImages.Jpeg(TestImages.Marked(64, 48));
        // SOF0: FF C0, length, precision, height, width.
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.True(sof > 0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), 60_000);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), 60_000);
        Assert.Equal("image_too_large", Refused(jpeg).Code);
    }

    [Fact]
    public void The_limit_is_the_configured_one()
    {
        var png = TestImages.Png(TestImages.Marked(100, 100));
        Assert.Equal("image_too_large", Refused(png, new ImageLimits { MaxPixels = 9_999 }).Code);
        Assert.Equal(100, Process(png, new ImageLimits { MaxPixels = 10_000 }).Facts.Width);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)] // decoded in bands of rows on the way to its upright place
    public void A_truncated_jpeg_is_a_bad_image(ushort orientation)
    {
        var jpeg = TestImages.Jpeg(TestImages.Photo(800, 600));
        if (orientation != 0)
            jpeg = TestImages.WithExif(jpeg, orientation);
        Assert.Equal("bad_image", Refused(jpeg[..(jpeg.Length * 6 / 10)]).Code);
    }

    [Fact]
    public void A_truncated_png_is_a_bad_image()
    {
        var png = TestImages.Png(TestImages.Photo(300, 200));
        Assert.Equal("bad_image", Refused(png[..(png.Length / 2)]).Code);
    }

    [Fact]
    public void A_png_signature_followed_by_garbage_is_a_bad_image()
    {
        var garbage = new byte[4000];
        new Random(5).NextBytes(garbage);
        var refused = Refused([.. TestImages.PngSignature, .. garbage]);
        Assert.Equal("bad_image", refused.Code);
        Assert.Contains("image/png", refused.Message);
    }

    [Fact]
    public void A_jpeg_signature_followed_by_garbage_is_a_bad_image()
    {
        var garbage = new byte[4000];
        new Random(6).NextBytes(garbage);
        Assert.Equal("bad_image", Refused([0xFF, 0xD8, 0xFF, .. garbage]).Code);
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("%PDF-1.7\n")]
    [InlineData("")]
    public void What_is_not_a_raster_image_is_a_bad_image(string content)
    {
        var refused = Refused(System.Text.Encoding.UTF8.GetBytes(content));
        Assert.Equal("bad_image", refused.Code);
    }

    [Fact]
    public void A_failing_output_stream_throws_its_exception_out_of_process_instead_of_ending_the_process()
    {
        var path = Write(TestImages.Jpeg(TestImages.Photo(640, 480)));
        using var thumbnail = new MemoryStream();
        var processor = new ImageProcessor(new ImageLimits());
        var thrown = Assert.Throws<IOException>(() => processor.Process(path, new FailingStream(), thumbnail));
        Assert.Equal("No space left on device", thrown.Message);
        var alsoThrown = Assert.Throws<IOException>(() => processor.Process(path, new MemoryStream(), new FailingStream()));
        Assert.Equal("No space left on device", alsoThrown.Message);
    }

    [Fact]
    public void Limits_out_of_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits { JpegQuality = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits { JpegQuality = 101 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits { ThumbSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageProcessor(new ImageLimits { MaxPixels = 0 }));
    }

    private sealed class FailingStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");
    }
}
