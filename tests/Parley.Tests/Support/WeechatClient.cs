using System.Diagnostics;

namespace Parley.Tests.Support;

/// <summary>
/// A real IRC client, Debian's weechat-headless (test.sh installs it), in a temporary home. The
/// test reads what it shows from its logger files and types into it through its FIFO.
/// </summary>
public sealed class WeechatClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _home;

    private WeechatClient(Process process, string home)
    {
        _process = process;
        _home = home;
    }

    /// <summary>Starts WeeChat with <paramref name="commands"/> run at start-up (';'-separated WeeChat commands).</summary>
    public static WeechatClient Start(string commands)
    {
        var home = TempDirectory.Create();
        var start = new ProcessStartInfo("weechat-headless")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "--dir", home, "--no-connect", "--no-script", "--run-command",
                     $"/set logger.file.flush_delay 0;/set logger.file.path {home}/logs;{commands}" })
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("weechat-headless is missing: run the tests with ./test.sh, which installs it", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WeechatClient(process, home);
    }

    /// <summary>The lines WeeChat has logged for one buffer, e.g. "irc.parley.#lobby".</summary>
    public IReadOnlyList<string> Log(string buffer)
    {
        var path = Path.Combine(_home, "logs", buffer + ".weechatlog");
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Waits until the buffer's log has a line containing <paramref name="text"/>.</summary>
    public Task LoggedAsync(string buffer, string text) =>
        Until.TrueAsync(() => Log(buffer).Any(l => l.Contains(text)), $"WeeChat logs '{text}' in {buffer}", TimeSpan.FromSeconds(20));

    /// <summary>Types into a buffer through WeeChat's FIFO: text is said, "/command" is run.</summary>
    public async Task TypeAsync(string buffer, string text)
    {
        string? fifo = null;
        await Until.TrueAsync(() => (fifo = Directory.GetFiles(_home, "weechat_fifo_*").FirstOrDefault()) is not null, "WeeChat opens its FIFO");
        await File.AppendAllTextAsync(fifo!, $"{buffer} *{text}\n");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        TempDirectory.Delete(_home);
    }
}
