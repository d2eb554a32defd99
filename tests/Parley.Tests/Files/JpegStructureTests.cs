using Parley.Server.Files;

namespace Parley.Tests.Files;

/// <summary>
/// JPEGs whose segment structure is broken or not understood: refused, or re-encoded (which
/// writes only pixels), never copied with their metadata.
/// </summary>
public sealed class JpegStructureTests : ImageFixture
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_segment_length_below_two_is_a_bad_image(int length)
    {
        var jpeg = TestImages.Jpeg(TestImages.Marked(200, 100));
        byte[] input = [0xFF, 0xD8, 0xFF, 0xFE, 0, (byte)length, .. jpeg.AsSpan(2)];
        var refused = Refused(input);
        Assert.Equal("bad_image", refused.Code);
        Assert.Contains("length", refused.Message);
    }

    [Fact]
    public void A_segment_running_past_the_end_is_a_bad_image()
    {
        // A comment that claims 60,000 bytes in a file of a few thousand: before the image data
        // (where Skia's header reading already fails) and after it (where only the copier looks).
        var jpeg = TestImages.Jpeg(TestImages.Marked(200, 100));
        var scan = TestImages.FirstScanOffset(jpeg);
        byte[] comment = [0xFF, 0xFE, 0xEA, 0x60, .. "a comment"u8];
        Assert.Equal("bad_image", Refused([.. jpeg.AsSpan(0, scan), .. comment, .. jpeg.AsSpan(scan)]).Code);

        var refused = Refused([.. jpeg.AsSpan(0, jpeg.Length - 2), .. comment, 0xFF, 0xD9]);
        Assert.Equal("bad_image", refused.Code);
        Assert.Contains("past the end", refused.Message);
    }

    [Fact]
    public void A_jpeg_without_its_end_of_image_marker_is_a_bad_image()
    {
        var jpeg = TestImages.Jpeg(TestImages.Photo(400, 300));
        var refused = Refused(jpeg[..^2]);
        Assert.Equal("bad_image", refused.Code);
        Assert.Contains("end-of-image", refused.Message);
    }

    [Theory]
    [InlineData(1280, 960)] // the thumbnail comes from a reduced decode
    [InlineData(160, 120)] // the image is decoded whole for its thumbnail
    public void A_well_formed_jpeg_that_skia_cannot_decode_is_a_bad_image(int width, int height)
    {
        // The last scan of a progressive JPEG asks for AC Huffman table 1, which the file does not
        // define. Skia reads the header up to the first scan, so it makes a codec; the structure
        // is whole, so the copier would copy it; the thumbnail's decode reads every scan and refuses it.
        var parts = HandMadeJpeg.Parts(width, height, (_, _) => TestImages.Marker, progressive: true);
        var scan = parts.FindLastIndex(p => p[1] == 0xDA);
        parts[scan] = [.. parts[scan]];
        Assert.Equal(0x00, parts[scan][6]); // one component, then its DC and AC table numbers
        parts[scan][6] = 0x01;
        var input = HandMadeJpeg.Join(parts);
        Assert.True(JpegCopyPlan.TryRead(new MemoryStream(input), out _, out _));
        using (var codec = SkiaSharp.SKCodec.Create(new MemoryStream(input)))
            Assert.NotNull(codec); // its header reads

        Assert.Equal("bad_image", Refused(input).Code);
    }

    [Fact]
    public void Image_data_cut_short_before_a_well_formed_end_is_accepted_as_the_decoder_accepts_it()
    {
        // libjpeg only warns when the data of a scan stops at a marker, and Skia fills the rest
        // of the image: as when it was re-encoded, the upload is kept (here as sent, without metadata).
        var jpeg = TestImages.Jpeg(TestImages.Photo(800, 600));
        var scan = TestImages.FirstScanOffset(jpeg);
        var cut = scan + (jpeg.Length - scan) / 2;
        while (jpeg[cut - 1] == 0xFF)
            cut--;
        byte[] input = [.. TestImages.WithSegments(jpeg.AsSpan(0, cut).ToArray(), TestImages.ExifApp1(1)), 0xFF, 0xD9];
        var result = Process(input);
        Assert.Equal([.. jpeg.AsSpan(0, cut), 0xFF, 0xD9], result.Output);
    }

    [Fact]
    public void Bytes_that_are_not_a_marker_between_segments_send_the_jpeg_to_the_re_encoder()
    {
        // An EXIF segment one byte shorter than it claims: the next "marker" is the EXIF's last
        // byte. libjpeg skips such bytes with a warning; the copier does not guess.
        using var photo = TestImages.Photo(400, 300);
        var jpeg = TestImages.Jpeg(photo);
        var exif = TestImages.ExifApp1(1);
        exif[3]--;
        var input = TestImages.WithSegments(jpeg, exif, [0x00]);
        Assert.True(Decodes(input), "libjpeg skips the stray bytes");

        var result = Process(input);

        Assert.NotEqual(jpeg, result.Output); // re-encoded, not copied
        Assert.False(TestImages.Contains(result.Output, "Exif"));
        Assert.False(TestImages.Contains(result.Output, TestImages.GpsMarker));
        using var decoded = TestImages.Decode(result.Output);
        Assert.Equal((400, 300), (decoded.Width, decoded.Height));
    }

    private static bool Decodes(byte[] jpeg)
    {
        using var codec = SkiaSharp.SKCodec.Create(new MemoryStream(jpeg));
        if (codec is null)
            return false;
        using var bitmap = new SkiaSharp.SKBitmap(codec.Info.Width, codec.Info.Height);
        return codec.GetPixels(bitmap.Info, bitmap.GetPixels()) == SkiaSharp.SKCodecResult.Success;
    }

    // The plan alone, on bytes.

    [Theory]
    [InlineData(0xC3, 8, "0xC3")] // lossless
    [InlineData(0xC9, 8, "0xC9")] // arithmetic-coded
    [InlineData(0xC1, 12, "12 bits")]
    public void Frames_other_than_8_bit_huffman_are_left_to_the_re_encoder(byte sof, byte precision, string reason)
    {
        var parts = HandMadeJpeg.Parts(16, 16, (_, _) => TestImages.Marker, progressive: false);
        var frame = parts.FindIndex(p => p[1] == 0xC0);
        parts[frame] = [.. parts[frame]];
        parts[frame][1] = sof;
        parts[frame][4] = precision;
        Assert.Contains(reason, Unsupported(HandMadeJpeg.Join(parts)));
    }

    [Fact]
    public void A_second_frame_header_or_a_scan_before_the_frame_is_left_to_the_re_encoder()
    {
        var parts = HandMadeJpeg.Parts(16, 16, (_, _) => TestImages.Marker, progressive: false);
        var frame = parts.FindIndex(p => p[1] == 0xC0);
        Assert.Contains("second frame", Unsupported(HandMadeJpeg.Join([.. parts[..frame], parts[frame], .. parts[frame..]])));
        Assert.Contains("before the frame", Unsupported(HandMadeJpeg.Join([.. parts[..frame], .. parts[(frame + 1)..]])));
    }

    [Fact]
    public void Unknown_markers_and_too_many_pieces_are_left_to_the_re_encoder()
    {
        var parts = HandMadeJpeg.Parts(16, 16, (_, _) => TestImages.Marker, progressive: false);
        Assert.Contains("0xF7", Unsupported(HandMadeJpeg.Join([parts[0], TestImages.JpegSegment(0xF7, [1, 2, 3]), .. parts[1..]])));

        // Kept and dropped segments in turn: each kept one is a piece of its own.
        var table = parts.Find(p => p[1] == 0xDB)!;
        var many = Enumerable.Range(0, JpegCopyPlan.MaxPieces).SelectMany(_ => new[] { TestImages.CommentSegment(), table });
        Assert.Contains("pieces", Unsupported(HandMadeJpeg.Join([parts[0], .. many, .. parts[1..]])));
    }

    [Fact]
    public void A_plan_reports_the_frame_and_the_bytes_it_will_write()
    {
        var parts = HandMadeJpeg.Parts(48, 32, (_, _) => TestImages.Marker, progressive: true);
        var input = HandMadeJpeg.Join([parts[0], TestImages.XmpApp1(), .. parts[1..], "trailer"u8.ToArray()]);
        Assert.True(JpegCopyPlan.TryRead(new MemoryStream(input), out var plan, out _));
        Assert.Equal((48, 32, true), (plan.Width, plan.Height, plan.Progressive));
        Assert.Equal(HandMadeJpeg.Join(parts).Length, plan.OutputLength);
        using var output = new MemoryStream();
        plan.CopyTo(new MemoryStream(input), output);
        Assert.Equal(HandMadeJpeg.Join(parts), output.ToArray());
    }

    private static string Unsupported(byte[] jpeg)
    {
        Assert.False(JpegCopyPlan.TryRead(new MemoryStream(jpeg), out _, out var why));
        return why;
    }
}
