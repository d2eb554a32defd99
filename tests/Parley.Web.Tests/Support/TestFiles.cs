using System.Text;
using SkiaSharp;

namespace Parley.Web.Tests.Support;

/// <summary>
/// Files for the attachment tests, made here: pictures drawn and encoded with SkiaSharp (which the
/// server references), and small documents of plain bytes.
/// </summary>
public static class TestFiles
{
    /// <summary>A PNG of one colour with a darker band across its middle third.</summary>
    public static byte[] Png(int width, int height, SKColor colour)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(colour);
            using var band = new SKPaint { Color = new SKColor((byte)(colour.Red / 2), (byte)(colour.Green / 2), (byte)(colour.Blue / 2)) };
            canvas.DrawRect(0, height / 3f, width, height / 3f, band);
        }
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    /// <summary>A landscape for the screenshots: a sky that fades, a sun, two hills.</summary>
    public static byte[] Landscape(int width, int height, SKColor sky, SKColor hills, bool jpeg = true)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var gradient = new SKPaint
            {
                Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height),
                    [sky, new SKColor(255, 236, 200)], SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(0, 0, width, height, gradient);
            using var sun = new SKPaint { Color = new SKColor(255, 214, 90), IsAntialias = true };
            canvas.DrawCircle(width * 0.72f, height * 0.34f, height * 0.11f, sun);
            using var far = new SKPaint { Color = hills.WithAlpha(150), IsAntialias = true };
            using var near = new SKPaint { Color = hills, IsAntialias = true };
            using var farHill = Hill(width, height, 0.62f, 0.25f);
            using var nearHill = Hill(width, height, 0.74f, 0.7f);
            canvas.DrawPath(farHill, far);
            canvas.DrawPath(nearHill, near);
        }
        return Encode(bitmap, jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png);
    }

    /// <summary>Colour swatches on white, like a palette shared by a designer.</summary>
    public static byte[] Swatches(int width, int height, params SKColor[] colours)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            var side = Math.Min(width / (colours.Length + 1f), height * 0.6f);
            var gap = (width - side * colours.Length) / (colours.Length + 1f);
            for (var i = 0; i < colours.Length; i++)
            {
                using var paint = new SKPaint { Color = colours[i], IsAntialias = true };
                var x = gap + i * (side + gap);
                canvas.DrawRoundRect(x, (height - side) / 2, side, side, side * 0.18f, side * 0.18f, paint);
            }
        }
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    private static SKPath Hill(int width, int height, float top, float peak)
    {
        using var path = new SKPathBuilder();
        path.MoveTo(0, height);
        path.LineTo(0, height * (top + 0.1f));
        path.QuadTo(width * peak, height * (top - 0.22f), width, height * top);
        path.LineTo(width, height);
        path.Close();
        return path.Detach();
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A small PDF as far as the server's sniffing goes: it starts "%PDF-".</summary>
    public static byte[] Pdf(int size = 3000)
    {
        var head = Encoding.ASCII.GetBytes("%PDF-1.7\n% Parley test document\n1 0 obj << /Type /Catalog >> endobj\n");
        var bytes = new byte[Math.Max(size, head.Length + 8)];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < bytes.Length - 6; i++)
            bytes[i] = (byte)('a' + i % 26);
        Encoding.ASCII.GetBytes("%%EOF\n").CopyTo(bytes, bytes.Length - 6);
        return bytes;
    }

    /// <summary>A PNG signature and then nothing a decoder can read: the server refuses it (bad_image).</summary>
    public static byte[] BrokenPng() => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes(new string('x', 600))];
}
