#:package SkiaSharp@4.156.1
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@4.156.1
// Draws the web app's PNG icons from the design of src/Parley.Server/wwwroot/favicon.svg (a green
// rounded square, rx 7 of 32, holding a white speech bubble: M8 9h16v11H14l-6 4z). SkiaSharp does
// not read SVG, so the two shapes are drawn here at each size, scaled from the 32-unit grid.
//   dotnet run tools/make-icons.cs            (from the checkout's root; writes wwwroot/icons/)
// The output is committed; run this again only when the favicon's design changes.
using SkiaSharp;

var green = SKColor.Parse("#07c160");
var outDir = Path.Combine("src", "Parley.Server", "wwwroot", "icons");
Directory.CreateDirectory(outDir);

// "any": the favicon as it is, transparent corners. "maskable": full-bleed green, the bubble kept
// inside the central 80 % safe zone, since the platform cuts the icon to its own shape. Apple's
// touch icon is opaque and square: iOS rounds the corners itself.
Write("icon-192.png", 192, rounded: true, glyphScale: 1f);
Write("icon-512.png", 512, rounded: true, glyphScale: 1f);
Write("maskable-512.png", 512, rounded: false, glyphScale: 0.75f);
Write("apple-touch-icon.png", 180, rounded: false, glyphScale: 0.9f);

void Write(string name, int size, bool rounded, float glyphScale)
{
    using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
    using (var canvas = new SKCanvas(bitmap))
    {
        canvas.Clear(SKColors.Transparent);
        var unit = size / 32f;
        using var fill = new SKPaint { Color = green, IsAntialias = true };
        if (rounded)
            canvas.DrawRoundRect(0, 0, size, size, 7 * unit, 7 * unit, fill);
        else
            canvas.DrawRect(0, 0, size, size, fill);

        // The bubble spans x 8..24, y 9..24 of the 32 grid; scale it about its own centre (16, 16.5).
        canvas.Translate(size / 2f, 16.5f * unit);
        canvas.Scale(glyphScale * unit);
        canvas.Translate(-16f, -16.5f);
        using var builder = new SKPathBuilder();
        builder.MoveTo(8, 9);
        builder.LineTo(24, 9);
        builder.LineTo(24, 20);
        builder.LineTo(14, 20);
        builder.LineTo(8, 24);
        builder.Close();
        using var bubble = builder.Detach();
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        canvas.DrawPath(bubble, white);
    }
    using var image = SKImage.FromBitmap(bitmap);
    using var data = image.Encode(SKEncodedImageFormat.Png, 100);
    File.WriteAllBytes(Path.Combine(outDir, name), data.ToArray());
    Console.WriteLine($"{name} {size}x{size} {data.Size} bytes");
}
