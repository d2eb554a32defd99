using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Parley.Cli.Bench;
using Parley.Server.Files;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley bench thumbnail`: how long <see cref="ImageProcessor.Process(string, Stream, Stream, ImageTimings)"/>
/// takes on a camera-sized JPEG, step by step, and how much memory one call raises the process's
/// peak by. It makes a photo-like JPEG (gradients, waves and noise, so the codecs have real work),
/// then processes it as an upright photo and again as a phone's portrait photo (EXIF orientation 6,
/// turned while decoding). In process, one call at a time; outputs are counted, not kept, as the
/// server streams them to files (docs/benchmarks.md).
/// </summary>
public sealed class ThumbnailBenchCommand
{
    public sealed record Settings(int Width, int Height, int Runs, int Warmup, int SourceQuality, ImageLimits Limits, bool JsonOnly);

    private readonly Option<int> _width = new("--width") { Description = "photo width in pixels", DefaultValueFactory = _ => 4000 };
    private readonly Option<int> _height = new("--height") { Description = "photo height in pixels", DefaultValueFactory = _ => 3000 };
    private readonly Option<int> _runs = new("--runs") { Description = "calls timed per case", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _warmup = new("--warmup") { Description = "calls before timing, per case", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _sourceQuality = new("--source-quality") { Description = "JPEG quality of the generated photo", DefaultValueFactory = _ => 92 };
    private readonly Option<int> _quality = new("--quality") { Description = "ImageLimits.JpegQuality: of the re-encoded image and the thumbnail", DefaultValueFactory = _ => new ImageLimits().JpegQuality };
    private readonly Option<int> _thumbSize = new("--thumb-size") { Description = "ImageLimits.ThumbSize", DefaultValueFactory = _ => new ImageLimits().ThumbSize };
    private readonly Option<bool> _jsonOnly = new("--json-only") { Description = "print only the JSON line" };

    public Command Create()
    {
        var command = new Command("thumbnail", "image processing of an upload: a 12-megapixel JPEG's thumbnail, decode, re-encode, peak memory")
        {
            _width, _height, _runs, _warmup, _sourceQuality, _quality, _thumbSize, _jsonOnly,
        };
        command.SetAction((result, _) =>
        {
            var limits = new ImageLimits { JpegQuality = result.GetValue(_quality), ThumbSize = result.GetValue(_thumbSize) };
            var settings = new Settings(result.GetValue(_width), result.GetValue(_height), result.GetValue(_runs), result.GetValue(_warmup),
                result.GetValue(_sourceQuality), limits, result.GetValue(_jsonOnly));
            return Task.FromResult(Run(settings, Console.Out));
        });
        return command;
    }

    private sealed record Case(string Name, int Orientation);

    private sealed record Measured(string Name, ImageFacts Facts, long OutputBytes, long ThumbBytes,
        List<double> Header, List<double> Thumbnail, List<double> Decode, List<double> Encode, List<double> Total, List<double> PeakMib, List<double> RetainedMib, List<double> ManagedKib);

    public static int Run(Settings settings, TextWriter output)
    {
        var directory = Path.Combine(Path.GetTempPath(), "parley-bench-thumbnail-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            var photo = Path.Combine(directory, "photo.jpg");
            File.WriteAllBytes(photo, BenchPhoto.Jpeg(settings.Width, settings.Height, settings.SourceQuality));
            var inputBytes = new FileInfo(photo).Length;
            var portrait = Path.Combine(directory, "portrait.jpg");
            var jpeg = File.ReadAllBytes(photo);
            File.WriteAllBytes(portrait, BenchPhoto.WithOrientation(jpeg, 6));

            var processor = new ImageProcessor(settings.Limits with { MaxPixels = Math.Max(settings.Limits.MaxPixels, (long)settings.Width * settings.Height) });
            var results = new List<Measured>
            {
                Measure(processor, photo, "upright", settings),
                Measure(processor, portrait, "exif orientation 6", settings),
            };
            var peakReadable = results.All(r => r.PeakMib.Count > 0);

            if (!settings.JsonOnly)
            {
                output.WriteLine($"image processing: a {settings.Width}×{settings.Height} JPEG ({(double)settings.Width * settings.Height / 1e6:F1} MP, " +
                    $"{inputBytes / 1048576.0:F1} MiB at quality {settings.SourceQuality}), re-encoded at {settings.Limits.JpegQuality}, thumbnail {settings.Limits.ThumbSize}; " +
                    $"{settings.Runs} calls per case after {settings.Warmup}; CPUs {ProcessInfo.AllowedCpusOfThisProcess() ?? "?"}");
                output.WriteLine($"{"case",-20} {"step",-10} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
                foreach (var r in results)
                {
                    foreach (var (step, times) in Steps(r))
                        output.WriteLine($"{r.Name,-20} {step,-10} {Percentile(times, 0.50),8:F1} {Percentile(times, 0.99),8:F1} {times.Max(),8:F1}");
                    output.WriteLine($"{r.Name,-20} output {r.Facts.Width}×{r.Facts.Height} {r.OutputBytes / 1048576.0:F2} MiB, thumbnail {r.Facts.ThumbWidth}×{r.Facts.ThumbHeight} " +
                        $"{r.ThumbBytes / 1024.0:F1} KiB; peak resident growth " +
                        (peakReadable ? $"{Percentile(r.PeakMib, 0.50):F1} MiB p50, {r.PeakMib.Max():F1} MiB max, still resident after it {Percentile(r.RetainedMib, 0.50):F1} MiB p50" : "not readable here") +
                        $"; managed allocations {Percentile(r.ManagedKib, 0.50):F0} KiB a call");
                }
            }
            output.WriteLine(Json(settings, inputBytes, results, peakReadable));
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Measured Measure(ImageProcessor processor, string path, string name, Settings settings)
    {
        var m = new Measured(name, null!, 0, 0, [], [], [], [], [], [], [], []);
        ImageFacts facts = null!;
        long outputBytes = 0, thumbBytes = 0;
        for (var i = 0; i < settings.Warmup + settings.Runs; i++)
        {
            var image = new CountingStream();
            var thumbnail = new CountingStream();
            var timings = new ImageTimings();
            // Each call starts from collected heaps, managed and native, so the peak is this call's,
            // and what the C heap keeps of the last call's buffers is not counted as already there.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ProcessInfo.TrimNativeHeap();
            var before = ProcessInfo.ResidentBytes(Environment.ProcessId);
            var peakReset = ProcessInfo.ResetPeakResidentOfThisProcess();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            facts = processor.Process(path, image, thumbnail, timings);
            var managed = GC.GetAllocatedBytesForCurrentThread() - allocated;
            var peak = ProcessInfo.PeakResidentBytes(Environment.ProcessId);
            var after = ProcessInfo.ResidentBytes(Environment.ProcessId);
            if (i < settings.Warmup)
                continue;
            (outputBytes, thumbBytes) = (image.Length, thumbnail.Length);
            m.Header.Add(timings.Header.TotalMilliseconds);
            m.Thumbnail.Add(timings.Thumbnail.TotalMilliseconds);
            m.Decode.Add(timings.Decode.TotalMilliseconds);
            m.Encode.Add(timings.Encode.TotalMilliseconds);
            m.Total.Add(timings.Total.TotalMilliseconds);
            m.ManagedKib.Add(managed / 1024.0);
            if (peakReset && before is { } b && peak is { } p && after is { } a)
            {
                m.PeakMib.Add(Math.Max(0, p - b) / 1048576.0);
                m.RetainedMib.Add((a - b) / 1048576.0);
            }
        }
        return m with { Facts = facts, OutputBytes = outputBytes, ThumbBytes = thumbBytes };
    }

    private static IEnumerable<(string Step, List<double> Times)> Steps(Measured r) =>
        [("header", r.Header), ("thumbnail", r.Thumbnail), ("decode", r.Decode), ("encode", r.Encode), ("total", r.Total)];

    private static string Json(Settings settings, long inputBytes, List<Measured> results, bool peakReadable)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("workload", "thumbnail");
            writer.WriteNumber("width", settings.Width);
            writer.WriteNumber("height", settings.Height);
            writer.WriteNumber("input_bytes", inputBytes);
            writer.WriteNumber("source_quality", settings.SourceQuality);
            writer.WriteNumber("quality", settings.Limits.JpegQuality);
            writer.WriteNumber("thumb_size", settings.Limits.ThumbSize);
            writer.WriteNumber("runs", settings.Runs);
            writer.WriteString("cpus", ProcessInfo.AllowedCpusOfThisProcess());
            writer.WriteNumber("processor_count", Environment.ProcessorCount);
            writer.WriteStartArray("cases");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteString("case", r.Name);
                writer.WriteNumber("output_width", r.Facts.Width);
                writer.WriteNumber("output_height", r.Facts.Height);
                writer.WriteNumber("output_bytes", r.OutputBytes);
                writer.WriteNumber("thumb_width", r.Facts.ThumbWidth);
                writer.WriteNumber("thumb_height", r.Facts.ThumbHeight);
                writer.WriteNumber("thumb_bytes", r.ThumbBytes);
                foreach (var (step, times) in Steps(r))
                {
                    writer.WriteStartObject(step);
                    writer.WriteNumber("p50_ms", Math.Round(Percentile(times, 0.50), 2));
                    writer.WriteNumber("p99_ms", Math.Round(Percentile(times, 0.99), 2));
                    writer.WriteNumber("max_ms", Math.Round(times.Max(), 2));
                    writer.WriteEndObject();
                }
                if (peakReadable)
                {
                    writer.WriteNumber("peak_rss_growth_mib_p50", Math.Round(Percentile(r.PeakMib, 0.50), 1));
                    writer.WriteNumber("peak_rss_growth_mib_max", Math.Round(r.PeakMib.Max(), 1));
                    writer.WriteNumber("retained_rss_mib_p50", Math.Round(Percentile(r.RetainedMib, 0.50), 1));
                    writer.WriteNumber("retained_rss_mib_max", Math.Round(r.RetainedMib.Max(), 1));
                }
                writer.WriteNumber("managed_alloc_kib_p50", Math.Round(Percentile(r.ManagedKib, 0.50), 1));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteNumber("thumbnail_p99_ms", Math.Round(results.Max(r => Percentile(r.Thumbnail, 0.99)), 2));
            writer.WriteNumber("total_p99_ms", Math.Round(results.Max(r => Percentile(r.Total, 0.99)), 2));
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(json.WrittenSpan);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    /// <summary>Counts what is written and keeps nothing, like a file on disk as far as memory goes.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
