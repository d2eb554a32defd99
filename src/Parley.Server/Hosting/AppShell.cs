using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.FileProviders;

namespace Parley.Server.Hosting;

/// <summary>
/// The web client's files as its service worker keeps them for offline use (docs/web.md, "Offline
/// and updates"): every file of the web root but the worker itself, and a version that is a hash of
/// their paths and bytes. The worker's script is served with both written into its first line, so a
/// server whose web client changed serves a worker that differs by a byte: the browser installs it,
/// and it fills a new cache named after the new version and deletes the old one. Read once, at start.
/// </summary>
internal sealed class AppShell
{
    /// <summary>The worker's path under the web root, served by <see cref="WebClientHosting"/> rather than as a static file.</summary>
    public const string WorkerFile = "sw.js";

    private AppShell(string version, IReadOnlyList<string> files, byte[] workerScript)
    {
        Version = version;
        Files = files;
        WorkerScript = workerScript;
    }

    public string Version { get; }

    /// <summary>Paths relative to the web root, '/'-separated, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>sw.js as served: <c>const SHELL = {"version":…,"files":[…]};</c>, then the file's text.</summary>
    public byte[] WorkerScript { get; }

    /// <summary>The shell of the web root <paramref name="root"/>, or null when it has no worker script.</summary>
    public static AppShell? Read(IFileProvider root)
    {
        var worker = root.GetFileInfo(WorkerFile);
        if (!worker.Exists)
            return null;
        var files = new List<(string Path, IFileInfo File)>();
        Collect(root, "", files);
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, file) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            using var stream = file.CreateReadStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(buffer)) > 0)
                hash.AppendData(buffer.AsSpan(0, read));
        }
        var template = ReadAll(worker);
        hash.AppendData(template);
        var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];

        var paths = files.Select(f => f.Path).ToList();
        var header = $"const SHELL = {JsonSerializer.Serialize(new { version, files = paths })};\n";
        return new AppShell(version, paths, [.. Encoding.UTF8.GetBytes(header), .. template]);
    }

    private static void Collect(IFileProvider root, string folder, List<(string, IFileInfo)> into)
    {
        foreach (var entry in root.GetDirectoryContents(folder))
        {
            var path = folder.Length == 0 ? entry.Name : $"{folder}/{entry.Name}";
            if (entry.IsDirectory)
                Collect(root, path, into);
            else if (path != WorkerFile)
                into.Add((path, entry));
        }
    }

    private static byte[] ReadAll(IFileInfo file)
    {
        using var stream = file.CreateReadStream();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
