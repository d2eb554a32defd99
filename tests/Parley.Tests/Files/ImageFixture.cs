using Parley.Server.Files;
using Parley.Tests.Support;

namespace Parley.Tests.Files;

/// <summary>Runs <see cref="ImageProcessor.Process(string, Stream, Stream)"/> on bytes written to a temporary file, as an upload would be.</summary>
public abstract class ImageFixture : IDisposable
{
    private readonly string _directory = TempDirectory.Create();

    protected sealed record Result(ImageFacts Facts, byte[] Output, byte[] Thumbnail);

    protected string Write(byte[] bytes, string name = "upload.tmp")
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + "-" + name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    protected Result Process(byte[] input, ImageLimits? limits = null, string name = "upload.tmp")
    {
        using var output = new MemoryStream();
        using var thumbnail = new MemoryStream();
        var facts = new ImageProcessor(limits ?? new ImageLimits()).Process(Write(input, name), output, thumbnail);
        return new Result(facts, output.ToArray(), thumbnail.ToArray());
    }

    protected ImageRefusedException Refused(byte[] input, ImageLimits? limits = null)
    {
        using var output = new MemoryStream();
        using var thumbnail = new MemoryStream();
        var refused = Assert.Throws<ImageRefusedException>(() => new ImageProcessor(limits ?? new ImageLimits()).Process(Write(input), output, thumbnail));
        Assert.Equal(0, output.Length);
        Assert.Equal(0, thumbnail.Length);
        return refused;
    }

    public void Dispose()
    {
        TempDirectory.Delete(_directory);
        GC.SuppressFinalize(this);
    }
}
