using System.Text.Json;
using Microsoft.Extensions.FileProviders;
using Parley.Server.Hosting;
using Parley.Tests.Support;

namespace Parley.Tests.Hosting;

/// <summary>The service worker's view of the web root: every file but itself, and a version that follows their bytes.</summary>
public sealed class AppShellTests : IDisposable
{
    private readonly string _root = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_root);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private AppShell? Read()
    {
        using var files = new PhysicalFileProvider(_root);
        return AppShell.Read(files);
    }

    [Fact]
    public void The_worker_lists_every_file_but_itself_and_carries_the_version()
    {
        Write("index.html", "<!doctype html>");
        Write("js/views/banner.js", "export {}");
        Write("css/base.css", "body {}");
        Write("sw.js", "self.x = SHELL.version;\n");

        var shell = Read()!;
        Assert.Equal(["css/base.css", "index.html", "js/views/banner.js"], shell.Files);
        Assert.Matches("^[0-9a-f]{16}$", shell.Version);
        var script = System.Text.Encoding.UTF8.GetString(shell.WorkerScript);
        var header = script[..script.IndexOf('\n')];
        Assert.Equal("self.x = SHELL.version;\n", script[(header.Length + 1)..]);
        using var json = JsonDocument.Parse(header["const SHELL = ".Length..^1]);
        Assert.Equal(shell.Version, json.RootElement.GetProperty("version").GetString());
        Assert.Equal(shell.Files, json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void A_changed_file_a_new_file_or_a_changed_worker_gives_a_new_version_and_nothing_else_does()
    {
        Write("index.html", "one");
        Write("sw.js", "// worker");
        var first = Read()!.Version;
        Assert.Equal(first, Read()!.Version);

        Write("index.html", "two");
        var second = Read()!.Version;
        Assert.NotEqual(first, second);

        Write("js/new.js", "");
        var third = Read()!.Version;
        Assert.NotEqual(second, third);

        Write("sw.js", "// worker, changed");
        Assert.NotEqual(third, Read()!.Version);
    }

    [Fact]
    public void A_web_root_without_a_worker_has_no_shell()
    {
        Write("index.html", "page");
        Assert.Null(Read());
    }
}
