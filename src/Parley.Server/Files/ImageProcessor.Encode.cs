using System.Runtime.ExceptionServices;
using SkiaSharp;

namespace Parley.Server.Files;

public sealed partial class ImageProcessor
{
    private void Encode(SKBitmap image, MediaType type, bool lossless, Stream output)
    {
        using var pixels = Untagged(image);
        if (type == MediaType.Jpeg)
            WriteGuarded(output, s => pixels.Encode(s, new SKJpegEncoderOptions(_limits.JpegQuality)), "image");
        else if (type == MediaType.Png)
            WriteGuarded(output, s => pixels.Encode(s, SKPngEncoderOptions.Default), "image");
        else if (lossless)
            WriteGuarded(output, s => pixels.Encode(s, new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 75)), "image");
        else
            WriteGuarded(output, s => pixels.Encode(s, new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, _limits.JpegQuality)), "image");
    }

    /// <summary>
    /// The bitmap's sRGB pixels without their colour space: given one, Skia's encoders write an ICC
    /// profile (APP2 in a JPEG), and pixels without one are taken as sRGB anyway.
    /// </summary>
    private static SKPixmap Untagged(SKBitmap bitmap) => new(bitmap.Info.WithColorSpace(null), bitmap.GetPixels(), bitmap.RowBytes);

    /// <summary>
    /// Runs a Skia encoder into <paramref name="target"/>. Skia writes through a callback from
    /// native code, and an exception thrown there (a full disk, a closed connection) cannot
    /// unwind through the native frames: it ends the process. So the target's exceptions are
    /// caught, the rest of the encoding is discarded, and the first exception is thrown here.
    /// </summary>
    private static void WriteGuarded(Stream target, Func<Stream, bool> encode, string what)
    {
        var guarded = new GuardedStream(target);
        var encoded = encode(guarded);
        guarded.Failure?.Throw();
        if (!encoded)
            throw new InvalidOperationException($"Skia could not encode the {what}");
    }

    private sealed class GuardedStream(Stream inner) : Stream
    {
        public ExceptionDispatchInfo? Failure { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Failure is not null)
                return;
            try
            {
                inner.Write(buffer);
            }
            catch (Exception ex)
            {
                Failure = ExceptionDispatchInfo.Capture(ex);
            }
        }

        public override void Flush()
        {
            if (Failure is not null)
                return;
            try
            {
                inner.Flush();
            }
            catch (Exception ex)
            {
                Failure = ExceptionDispatchInfo.Capture(ex);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
