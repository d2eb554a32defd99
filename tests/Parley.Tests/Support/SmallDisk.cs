using System.Diagnostics;

namespace Parley.Tests.Support;

/// <summary>
/// A real file system of a few megabytes (tmpfs, mounted by the test; the tests run as root) that
/// the test fills to the last byte and frees again: the disk of a data directory running out.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private const string Filler = "filler";

    private SmallDisk(string path) => Path = path;

    /// <summary>The mount point, empty at first.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB; null, with the reason, if mounting is refused here.</summary>
    public static SmallDisk? TryMount(int megabytes, out string? refusal)
    {
        var path = TempDirectory.Create();
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", path);
        if (code != 0)
        {
            TempDirectory.Delete(path);
            refusal = $"mount -t tmpfs refused (exit {code}): {output.Trim()}";
            return null;
        }
        refusal = null;
        return new SmallDisk(path);
    }

    /// <summary>Writes a filler file until the file system has not one byte left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(System.IO.Path.Combine(Path, Filler), FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
        // Big chunks first, then smaller ones: tmpfs hands out whole pages, so what the big chunk
        // did not fit is taken page by page, then byte by byte.
        foreach (var chunk in new[] { 1 << 20, 4096, 1 })
        {
            var bytes = new byte[chunk];
            while (true)
            {
                try
                {
                    filler.Write(bytes);
                }
                catch (IOException)
                {
                    // A write cut short left its first part in the file: go on from the real end.
                    filler.Seek(0, SeekOrigin.End);
                    break;
                }
            }
        }
    }

    /// <summary>Gives the filler's space back.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, Filler));

    public void Dispose()
    {
        // Lazy: a server of the test still holding a file open must not leave the mount behind.
        Run("umount", "-l", Path);
        TempDirectory.Delete(Path);
    }

    private static (int Code, string Output) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
