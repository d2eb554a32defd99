using System.Buffers.Binary;

namespace Parley.Server.Files;

// The WebP container (RIFF): "RIFF", the size of what follows, "WEBP", then chunks of a FourCC,
// a little-endian size and the payload padded to an even length.
public sealed partial class ImageProcessor
{
    private const int RiffHeaderBytes = 12;
    private const int ChunkHeaderBytes = 8;
    private const byte VP8XExifFlag = 0x08;
    private const byte VP8XXmpFlag = 0x04;

    /// <summary>Whether the image bitstream is VP8L (lossless): such a picture is encoded again losslessly, not degraded to lossy.</summary>
    private static bool IsLosslessWebp(string path)
    {
        using var input = File.OpenRead(path);
        foreach (var (fourCC, _, _) in WebpChunks(input))
        {
            if (fourCC == "VP8L")
                return true;
            if (fourCC == "VP8 ")
                return false;
        }
        return false;
    }

    /// <summary>
    /// Copies an (animated) WebP without its EXIF and XMP chunks, clearing their flags in the
    /// VP8X header; frames, ICC profile and everything else are copied as they are.
    /// </summary>
    private static void CopyWebpWithoutMetadata(FileStream input, Stream output)
    {
        var kept = WebpChunks(input).Where(c => c.FourCC is not ("EXIF" or "XMP ")).ToList();
        var riffSize = 4 + kept.Sum(c => ChunkHeaderBytes + Padded(c.Size));
        if (riffSize > uint.MaxValue)
            throw ImageRefusedException.BadImage("its WebP chunks add up to more than a RIFF file holds");
        Span<byte> header = stackalloc byte[RiffHeaderBytes];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)riffSize);
        "WEBP"u8.CopyTo(header[8..]);
        output.Write(header);
        var buffer = new byte[81920];
        foreach (var (fourCC, offset, size) in kept)
        {
            input.Position = offset;
            var remaining = ChunkHeaderBytes + Padded(size);
            var first = true;
            while (remaining > 0)
            {
                var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
                if (read == 0)
                    throw ImageRefusedException.BadImage($"its WebP chunk {fourCC} ends before its stated size");
                if (first && fourCC == "VP8X" && read > ChunkHeaderBytes)
                    buffer[ChunkHeaderBytes] &= unchecked((byte)~(VP8XExifFlag | VP8XXmpFlag));
                first = false;
                output.Write(buffer, 0, read);
                remaining -= read;
            }
        }
    }

    /// <summary>The chunks of a WebP file: FourCC, offset of the chunk's header, payload size.</summary>
    private static IEnumerable<(string FourCC, long Offset, long Size)> WebpChunks(FileStream input)
    {
        var header = new byte[ChunkHeaderBytes];
        var offset = (long)RiffHeaderBytes;
        while (offset + ChunkHeaderBytes <= input.Length)
        {
            input.Position = offset;
            input.ReadExactly(header);
            var fourCC = System.Text.Encoding.ASCII.GetString(header, 0, 4);
            var size = (long)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (offset + ChunkHeaderBytes + size > input.Length)
                throw ImageRefusedException.BadImage($"its WebP chunk {fourCC} claims {size:N0} bytes past the end of the file");
            yield return (fourCC, offset, size);
            offset += ChunkHeaderBytes + Padded(size);
        }
    }

    private static long Padded(long size) => size + (size & 1);
}
