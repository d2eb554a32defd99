using System.Buffers.Binary;
using SkiaSharp;

namespace Parley.Tests.Files;

/// <summary>
/// JPEGs Skia does not write, made by hand: progressive ones, and ones with restart markers. The
/// picture is made of flat 8 × 8 blocks, whose only non-zero coefficient is the DC one, so no DCT
/// is needed: each block is its colour's Y, Cb and Cr times 8 (quantization tables of ones), and
/// every AC band is an end-of-block. Three components, no subsampling, the standard DC Huffman
/// table (ITU T.81 K.3) and an AC table of one code, end-of-block.
/// </summary>
/// <remarks>
/// <see cref="Parts"/> returns the file as a list of parts (SOI, each segment, each scan with its
/// data, EOI) so a test can put metadata between any two of them and know the file it expects back.
/// </remarks>
internal static class HandMadeJpeg
{
    private static readonly byte[] DcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] DcValues = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static readonly byte[] AcBits = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] AcValues = [0x00];

    /// <summary>
    /// The parts of a <paramref name="width"/> × <paramref name="height"/> JPEG (multiples of 8)
    /// whose block (bx, by) has the colour <paramref name="block"/> gives. Progressive: one DC
    /// scan of all three components, then one AC scan per component (spectral selection 1–63).
    /// With a <paramref name="restartInterval"/>, a DRI segment and restart markers in every scan.
    /// </summary>
    public static List<byte[]> Parts(int width, int height, Func<int, int, SKColor> block, bool progressive, int restartInterval = 0)
    {
        Assert.True(width % 8 == 0 && height % 8 == 0);
        var (columns, rows) = (width / 8, height / 8);
        var dc = new int[3][];
        for (var c = 0; c < 3; c++)
            dc[c] = new int[columns * rows];
        for (var by = 0; by < rows; by++)
        {
            for (var bx = 0; bx < columns; bx++)
            {
                var color = block(bx, by);
                var (r, g, b) = ((double)color.Red, (double)color.Green, (double)color.Blue);
                double[] ycc = [0.299 * r + 0.587 * g + 0.114 * b, -0.168736 * r - 0.331264 * g + 0.5 * b + 128, 0.5 * r - 0.418688 * g - 0.081312 * b + 128];
                for (var c = 0; c < 3; c++)
                    dc[c][by * columns + bx] = (int)Math.Round((ycc[c] - 128) * 8);
            }
        }

        var parts = new List<byte[]>
        {
            new byte[] { 0xFF, 0xD8 },
            Segment(0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
            Segment(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]),
            Segment(progressive ? (byte)0xC2 : (byte)0xC0, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
            Segment(0xC4, [0x00, .. DcBits, .. DcValues]),
            Segment(0xC4, [0x10, .. AcBits, .. AcValues]),
        };
        if (restartInterval > 0)
            parts.Add(Segment(0xDD, [(byte)(restartInterval >> 8), (byte)restartInterval]));

        var blocks = columns * rows;
        if (!progressive)
        {
            parts.Add(Scan([1, 2, 3], 0, 63, blocks, restartInterval, (bits, i, last) =>
            {
                for (var c = 0; c < 3; c++)
                {
                    DcDiff(bits, dc[c][i] - last[c]);
                    last[c] = dc[c][i];
                    bits.Write(0, 1); // end of block
                }
            }));
        }
        else
        {
            parts.Add(Scan([1, 2, 3], 0, 0, blocks, restartInterval, (bits, i, last) =>
            {
                for (var c = 0; c < 3; c++)
                {
                    DcDiff(bits, dc[c][i] - last[c]);
                    last[c] = dc[c][i];
                }
            }));
            for (var c = 1; c <= 3; c++)
                parts.Add(Scan([(byte)c], 1, 63, blocks, restartInterval, (bits, _, _) => bits.Write(0, 1))); // EOB0: a run of one empty band
        }
        parts.Add([0xFF, 0xD9]);
        return parts;
    }

    public static byte[] Join(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];

    public static byte[] Segment(byte code, ReadOnlySpan<byte> payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(2 + payload.Length));
        payload.CopyTo(segment.AsSpan(4));
        return segment;
    }

    /// <summary>A scan's header and its entropy-coded data: one MCU (a block of each of its components) per call of <paramref name="mcu"/>.</summary>
    private static byte[] Scan(byte[] components, byte spectralStart, byte spectralEnd, int mcus, int restartInterval, Action<BitWriter, int, int[]> mcu)
    {
        var header = new List<byte> { (byte)components.Length };
        foreach (var c in components)
            header.AddRange([c, 0x00]);
        header.AddRange([spectralStart, spectralEnd, 0]);
        var bits = new BitWriter();
        var last = new int[3];
        for (var i = 0; i < mcus; i++)
        {
            if (restartInterval > 0 && i > 0 && i % restartInterval == 0)
            {
                bits.Restart(i / restartInterval - 1);
                last = new int[3];
            }
            mcu(bits, i, last);
        }
        return [.. Segment(0xDA, [.. header]), .. bits.Finish()];
    }

    private static void DcDiff(BitWriter bits, int diff)
    {
        var magnitude = Math.Abs(diff);
        var category = magnitude == 0 ? 0 : 32 - int.LeadingZeroCount(magnitude);
        // The standard DC table's codes: 00 for category 0, 010 to 110 for 1 to 5, then 1110,
        // 11110, ... 111111110 for 6 to 11.
        var (code, length) = category switch
        {
            0 => (0b00, 2),
            <= 5 => (category + 1, 3),
            _ => ((1 << (category - 2)) - 2, category - 2),
        };
        bits.Write(code, length);
        if (category > 0)
            bits.Write(diff < 0 ? diff - 1 : diff, category);
    }

    /// <summary>Bits, most significant first, with FF bytes stuffed with 00 and the last byte padded with ones.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _accumulator, _count;

        public void Write(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _accumulator = _accumulator << 1 | (value >> i & 1);
                if (++_count == 8)
                    Emit();
            }
        }

        public void Restart(int index)
        {
            Pad();
            _bytes.AddRange([0xFF, (byte)(0xD0 + index % 8)]);
        }

        public byte[] Finish()
        {
            Pad();
            return [.. _bytes];
        }

        private void Pad()
        {
            while (_count != 0)
                Write(1, 1);
        }

        private void Emit()
        {
            _bytes.Add((byte)_accumulator);
            if (_accumulator == 0xFF)
                _bytes.Add(0);
            (_accumulator, _count) = (0, 0);
        }
    }
}
