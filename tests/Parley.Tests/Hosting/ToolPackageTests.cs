using System.Diagnostics;
using System.Text.RegularExpressions;
using Parley.Tests.Support;

namespace Parley.Tests.Hosting;

/// <summary>
/// The `dotnet tool install` path, end to end: pack Parley.Cli, install the package into a tool
/// path of its own from a local folder, run `parley --version` and `parley serve`. Slow (a Release
/// build and a pack), so one test does it all.
///
/// It packs a copy of the sources in a temporary directory: packing here would restore and build
/// into the same obj/ and bin/ folders that the running test build uses. The install reads only
/// that folder (a NuGet config that clears every other source, so no "parley" from a registry can
/// win) and unpacks into a package cache of its own (a stale "parley" of the same version in the
/// machine's cache would otherwise be used instead of this build).
/// </summary>
public sealed partial class ToolPackageTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_packed_tool_installs_offline_and_runs_version_and_serve()
    {
        var work = TempDirectory.Create();
        try
        {
            var sources = Path.Combine(work, "sources");
            CopySources(RepositoryRoot(), sources);
            var packages = Path.Combine(work, "packages");
            var pack = await RunAsync("dotnet", ["pack", Path.Combine(sources, "src", "Parley.Cli"), "-c", "Release", "-o", packages,
                "-nodeReuse:false", "-p:UseSharedCompilation=false"], work, BuildTimeout);
            Assert.True(pack.ExitCode == 0, $"dotnet pack failed:\n{pack.Output}");
            var package = Assert.Single(Directory.GetFiles(packages, "parley.*.nupkg"));
            var version = PackageVersion().Match(Path.GetFileName(package)).Groups[1].Value;

            var config = Path.Combine(work, "nuget.config");
            await File.WriteAllTextAsync(config,
                $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>""");
            var tools = Path.Combine(work, "tools");
            var install = await RunAsync("dotnet", ["tool", "install", "parley", "--tool-path", tools, "--configfile", config, "--version", version],
                work, BuildTimeout, new() { ["NUGET_PACKAGES"] = Path.Combine(work, "package-cache") });
            Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install.Output}");
            var parley = Path.Combine(tools, "parley");
            Assert.True(File.Exists(parley), $"no {parley} after the install:\n{install.Output}");

            var printed = await RunAsync(parley, ["--version"], work, TimeSpan.FromMinutes(1), DotnetRoot());
            Assert.Equal(0, printed.ExitCode);
            Assert.StartsWith(version, printed.Output.Trim());

            await ServeOnceAsync(parley, Path.Combine(work, "data"));
        }
        finally
        {
            TempDirectory.Delete(work);
        }
    }

    /// <summary>Runs the installed `parley serve` on free ports until it listens and answers /healthz, then kills it by its pid.</summary>
    private static async Task ServeOnceAsync(string parley, string data)
    {
        var start = new ProcessStartInfo(parley)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(data)!,
        };
        foreach (var arg in new[] { "serve", "--tcp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--irc", "127.0.0.1:0", "--data", data })
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in DotnetRoot())
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var http = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
                return;
            said.Enqueue(line);
            // The last listener line: every listener is up once it is printed.
            if (line.StartsWith("listening irc ", StringComparison.Ordinal))
                http.TrySetResult(said.First(l => l.StartsWith("listening http ", StringComparison.Ordinal))["listening http ".Length..]);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
                said.Enqueue(line);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string What() => $"exited: {process.HasExited}; it said:\n{string.Join('\n', said)}";
        try
        {
            var listening = await Task.WhenAny(http.Task, process.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.True(listening == http.Task, $"parley serve stopped before listening; {What()}");
            using var client = new HttpClient();
            string health;
            try
            {
                health = await client.GetStringAsync($"http://{await http.Task}/healthz");
            }
            catch (HttpRequestException ex)
            {
                throw new Xunit.Sdk.XunitException($"GET /healthz failed ({ex.Message}); {What()}");
            }
            Assert.Equal("{\"status\":\"ok\"}\n", health);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
            await process.WaitForExitAsync();
        }
        Assert.True(File.Exists(Path.Combine(data, "parley.db")));
    }

    /// <summary>Where the installed tool's launcher finds the .NET runtime: the one running this test.</summary>
    private static Dictionary<string, string> DotnetRoot()
    {
        // …/dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        return new() { ["DOTNET_ROOT"] = root };
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Parley.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"no Parley.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>What a pack of Parley.Cli reads: src/ and the props beside the solution, without anyone's bin/ and obj/.</summary>
    private static void CopySources(string root, string target)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", "nuget.config", "NuGet.Config" })
        {
            if (File.Exists(Path.Combine(root, file)))
            {
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(root, file), Path.Combine(target, file));
            }
        }
        CopyTree(Path.Combine(root, "src"), Path.Combine(target, "src"));
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (name is "bin" or "obj")
                continue;
            CopyTree(directory, Path.Combine(to, name));
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, string directory, TimeSpan timeout,
        Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex(@"^parley\.(.+)\.nupkg$")]
    private static partial Regex PackageVersion();
}
