using System.IO.Compression;
using System.Text;
using Parley.Server.Files;
using Parley.Tests.Support;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>
/// File types from real heads: images encoded by Skia (and a GIF written by hand), archives made
/// by the runtime, the other formats' first bytes as their specifications lay them out.
/// </summary>
public sealed class MediaSnifferTests
{
    private static MediaType Sniff(byte[] file) => MediaSniffer.Sniff(file.AsSpan(0, Math.Min(file.Length, MediaSniffer.HeadBytes)));

    private static byte[] Bytes(params object[] parts)
    {
        var bytes = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case string text:
                    bytes.AddRange(Encoding.Latin1.GetBytes(text));
                    break;
                case int value:
                    bytes.Add((byte)value);
                    break;
                case byte[] array:
                    bytes.AddRange(array);
                    break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Images_encoded_by_skia_are_raster_images_of_their_format()
    {
        using var bitmap = TestImages.Marked(40, 30);
        Assert.Equal(MediaType.Jpeg, Sniff(TestImages.Jpeg(bitmap)));
        Assert.Equal(MediaType.Png, Sniff(TestImages.Png(bitmap)));
        Assert.Equal(MediaType.Webp, Sniff(TestImages.Webp(bitmap)));
        Assert.Equal(MediaType.Webp, Sniff(TestImages.Webp(bitmap, lossless: true)));
        Assert.Equal(MediaType.Gif, Sniff(TestImages.Gif(2, 2, [SKColors.Red, SKColors.Blue, SKColors.Green, SKColors.White], [0, 1, 2, 3])));
        foreach (var type in new[] { MediaType.Jpeg, MediaType.Png, MediaType.Webp, MediaType.Gif })
            Assert.True(type.IsRasterImage, type.Mime);
        Assert.Equal(".jpg", MediaType.Jpeg.Extension);
    }

    [Fact]
    public void A_jpeg_with_exif_first_is_still_a_jpeg() =>
        Assert.Equal(MediaType.Jpeg, Sniff(TestImages.WithExif(TestImages.Jpeg(TestImages.Marked(40, 30)), 6)));

    [Fact]
    public void A_png_named_txt_is_a_png()
    {
        var directory = TempDirectory.Create();
        try
        {
            var path = Path.Combine(directory, "notes.txt");
            File.WriteAllBytes(path, TestImages.Png(TestImages.Marked(40, 30)));
            using var file = File.OpenRead(path);
            var head = new byte[MediaSniffer.HeadBytes];
            var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            Assert.Equal(MediaType.Png, MediaSniffer.Sniff(head.AsSpan(0, read)));
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [Fact]
    public void Other_images_are_typed_but_not_shown_inline()
    {
        // BITMAPINFOHEADER (40 bytes) after the 14-byte file header.
        var bmp = Bytes("BM", new byte[] { 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0 }, 40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0);
        Assert.Equal(MediaType.Bmp, Sniff(bmp));
        Assert.Equal(MediaType.Heic, Sniff(Bytes(0, 0, 0, 0x18, "ftypheic", 0, 0, 0, 0, "mif1heic")));
        Assert.Equal(MediaType.Avif, Sniff(Bytes(0, 0, 0, 0x1C, "ftypavif", 0, 0, 0, 0, "avifmif1miaf")));
        Assert.False(MediaType.Bmp.IsRasterImage);
        Assert.False(MediaType.Heic.IsRasterImage);
        Assert.False(MediaType.Avif.IsRasterImage);
        // "BM" starting a sentence is text.
        Assert.Equal(MediaType.Text, Sniff("BMW drivers, please park on level 2"u8.ToArray()));
    }

    [Fact]
    public void Documents_and_archives()
    {
        Assert.Equal(MediaType.Pdf, Sniff(Bytes("%PDF-1.7\n%", 0xE2, 0xE3, 0xCF, 0xD3, "\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")));

        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("[Content_Types].xml").Open();
            entry.Write("<?xml version=\"1.0\"?><Types/>"u8);
        }
        Assert.Equal(MediaType.Zip, Sniff(zip.ToArray()));
        using var empty = new MemoryStream();
        new ZipArchive(empty, ZipArchiveMode.Create, leaveOpen: true).Dispose();
        Assert.Equal(MediaType.Zip, Sniff(empty.ToArray()));

        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write("<svg onload=alert(1)>"u8);
        Assert.Equal(MediaType.Gzip, Sniff(gz.ToArray()));
    }

    [Theory]
    [InlineData("isom", "video/mp4")]
    [InlineData("mp42", "video/mp4")]
    [InlineData("qt  ", "video/quicktime")]
    [InlineData("M4A ", "audio/mp4")]
    [InlineData("3gp5", "video/3gpp")]
    public void Iso_media_by_its_major_brand(string brand, string mime) =>
        Assert.Equal(mime, Sniff(Bytes(0, 0, 0, 0x20, "ftyp", brand, 0, 0, 2, 0, "isomiso2avc1mp41", 0, 0, 0, 8, "free")).Mime);

    [Fact]
    public void Audio_and_video_containers()
    {
        // EBML header: version 1, read version 1, max id 4, max size 8, DocType.
        byte[] Ebml(string docType) => Bytes(0x1A, 0x45, 0xDF, 0xA3, 0x80 | (19 + docType.Length), 0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81, 1,
            0x42, 0xF2, 0x81, 4, 0x42, 0xF3, 0x81, 8, 0x42, 0x82, 0x80 | docType.Length, docType, 0x42, 0x87, 0x81, 4, 0x42, 0x85, 0x81, 2);
        Assert.Equal(MediaType.Webm, Sniff(Ebml("webm")));
        Assert.Equal(MediaType.Matroska, Sniff(Ebml("matroska")));
        Assert.Equal(MediaType.Ogg, Sniff(Bytes("OggS", 0, 2, new byte[20], 1, 0x13, "OpusHead", 1, 2)));
        Assert.Equal(MediaType.Wav, Sniff(Bytes("RIFF", 0x24, 0x08, 0, 0, "WAVEfmt ", 16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xAC, 0, 0)));
        Assert.Equal(MediaType.Avi, Sniff(Bytes("RIFF", 0x24, 0x08, 0, 0, "AVI LIST", 0, 0, 0, 0)));
        Assert.Equal(MediaType.Flac, Sniff(Bytes("fLaC", 0, 0, 0, 0x22, 0x10, 0, 0x10, 0)));
        Assert.Equal(MediaType.Mp3, Sniff(Bytes("ID3", 4, 0, 0, 0, 0, 0x02, 0x01, "TIT2", 0, 0, 0, 5, 0, 0, 3, "song")));
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz, then the frame's first data bytes.
        Assert.Equal(MediaType.Mp3, Sniff(Bytes(0xFF, 0xFB, 0x90, 0x64, 0, 0x0F, 0xF0, 0, 0, 0x69, 0, 0)));
        // ADTS AAC: MPEG-4, no CRC, LC profile, 44.1 kHz.
        Assert.Equal(MediaType.Aac, Sniff(Bytes(0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC)));
        // A reserved bitrate (15) is no frame.
        Assert.Equal(MediaType.OctetStream, Sniff(Bytes(0xFF, 0xFB, 0xF0, 0x64, 0, 0x0F)));
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>")]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>")]
    [InlineData("<!DOCTYPE html><html><body onload=\"fetch('/api/me')\">hi</body></html>")]
    [InlineData("<html><head><meta http-equiv=\"refresh\" content=\"0;url=https://example.invalid\">")]
    [InlineData("   \n\t<script>alert(1)</script>")]
    [InlineData("\uFEFF<svg onload=alert(1)>")]
    [InlineData("<!-- GIF89a --><svg><image href=\"x.png\"/></svg>")]
    public void Markup_is_plain_text_never_an_image_or_html(string markup)
    {
        var type = Sniff(Encoding.UTF8.GetBytes(markup));
        Assert.Equal(MediaType.Text, type);
        Assert.False(type.IsRasterImage);
        Assert.DoesNotContain("html", type.Mime);
        Assert.DoesNotContain("svg", type.Mime);
    }

    [Fact]
    public void Markup_in_utf16_is_not_text_either() =>
        Assert.Equal(MediaType.OctetStream, Sniff([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("<svg onload=alert(1)>")]));

    [Fact]
    public void Utf8_text_is_plain_text_even_when_the_head_ends_inside_a_character()
    {
        Assert.Equal(MediaType.Text, Sniff("Hello, 世界! Ça va? Ελληνικά 🙂\r\n\tnext line\f\u001b[1mbold\u001b[0m"u8.ToArray()));
        var longer = Encoding.UTF8.GetBytes(new string('a', MediaSniffer.HeadBytes - 1) + "世界");
        Assert.Equal(MediaType.Text, MediaSniffer.Sniff(longer.AsSpan(0, MediaSniffer.HeadBytes)));
        // A file that really ends inside a character is not text.
        Assert.Equal(MediaType.OctetStream, MediaSniffer.Sniff([.. "abc"u8, 0xE4, 0xB8]));
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', 0, (byte)'b' })]
    [InlineData(new byte[] { (byte)'a', 0xC0, 0x80 })] // overlong NUL
    [InlineData(new byte[] { (byte)'a', 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate
    [InlineData(new byte[] { (byte)'a', 0xF4, 0x90, 0x80, 0x80 })] // past U+10FFFF
    [InlineData(new byte[] { (byte)'a', 0x80 })] // a lone continuation byte
    [InlineData(new byte[] { (byte)'a', 0x01, (byte)'b' })] // a control only binary formats use
    [InlineData(new byte[] { })]
    public void Not_text(byte[] bytes) => Assert.Equal(MediaType.OctetStream, MediaSniffer.Sniff(bytes));

    [Fact]
    public void Random_bytes_are_octet_stream()
    {
        var random = new Random(28);
        for (var i = 0; i < 200; i++)
        {
            var head = new byte[MediaSniffer.HeadBytes];
            random.NextBytes(head);
            Assert.Equal(MediaType.OctetStream, MediaSniffer.Sniff(head));
        }
    }

    [Fact]
    public void Short_heads_are_judged_on_what_there_is()
    {
        Assert.Equal(MediaType.OctetStream, MediaSniffer.Sniff([0xFF, 0xD8]));
        Assert.Equal(MediaType.Jpeg, MediaSniffer.Sniff([0xFF, 0xD8, 0xFF]));
        Assert.Equal(MediaType.Text, MediaSniffer.Sniff("GIF8"u8));
        Assert.Equal(MediaType.Text, MediaSniffer.Sniff("RIFF"u8));
    }
}
