using Parley.Client;
using Parley.Client.Model;
using Parley.Peer;

namespace Parley.Cli.Chat;

/// <summary>
/// <c>/send PATH [caption]</c> (or <c>/upload</c>): uploads the file with its progress in the
/// view's status (<c>[sending view.jpg 42%]</c>), then sends it to the conversation that was
/// current when typed. On a terminal the upload goes on in the background, so the chat goes on
/// meanwhile and <c>/cancel</c> stops it; a script waits for each, as for every line.
/// </summary>
public sealed partial class ChatApp
{
    private readonly Lock _uploadGate = new();

    /// <summary>Uploads in flight, in the order started: the file's name and how far it is, in per cent.</summary>
    private readonly SortedDictionary<long, (string Name, int Percent)> _uploads = [];
    private long _nextUpload;
    private CancellationTokenSource _cancelUploads = new();

    private readonly Lock _statusGate = new();
    private string? _shownStatus;

    private async Task<bool> SendFile(string command, string args)
    {
        if (Usage(command, args))
            return true;
        var (path, caption) = SplitPath(args);
        if (path.Length == 0)
        {
            Failures++;
            view.Print(format.Error($"usage: {Commands[command].Usage}"));
            return true;
        }
        var file = new FileInfo(ExpandPath(path));
        if (!file.Exists)
        {
            Failures++;
            view.Print(format.Error($"there is no file '{TerminalText.Neutralise(path)}'{(Directory.Exists(file.FullName) ? " (it is a folder)" : "")}"));
            return true;
        }
        // Said before the upload, rather than after it when the message is refused.
        var captionChars = caption.EnumerateRunes().Count();
        if (captionChars > client.Limits.MaxTextChars)
        {
            Failures++;
            view.Print(format.Error($"messages are at most {client.Limits.MaxTextChars:N0} characters; this caption has {captionChars:N0} [{ParleyException.TextTooLongCode}]"));
            return true;
        }
        var upload = UploadAndSendAsync(file, caption, _current);
        if (!interactive)
            await upload;
        return true;
    }

    private async Task UploadAndSendAsync(FileInfo file, string caption, Target target)
    {
        long id;
        CancellationToken cancel;
        lock (_uploadGate)
        {
            id = ++_nextUpload;
            _uploads[id] = (file.Name, 0);
            cancel = _cancelUploads.Token;
        }
        PublishStatus();
        try
        {
            Attachment? uploaded = null;
            await TryAsync(async () => uploaded = await client.UploadAsync(file.FullName, new UploadProgress(this, id, file.Length), cancel));
            if (uploaded is not null)
                await SendAsync(target, caption, attachments: [uploaded]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Failures++;
            view.Print(format.Error($"cannot read '{TerminalText.Neutralise(file.FullName)}': {ex.Message}"));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Not asked for: the chat is closing.
            if (cancel.IsCancellationRequested)
                view.Print(format.Info($"stopped sending {TerminalText.Neutralise(file.Name)}"));
        }
        finally
        {
            lock (_uploadGate)
                _uploads.Remove(id);
            PublishStatus();
        }
    }

    private Task<bool> CancelUploads()
    {
        int count;
        lock (_uploadGate)
        {
            count = _uploads.Count;
            if (count > 0)
            {
                _cancelUploads.Cancel();
                _cancelUploads.Dispose();
                _cancelUploads = new CancellationTokenSource();
            }
        }
        if (count == 0)
            view.Print(format.Info("no file is being sent"));
        return Task.FromResult(true);
    }

    private void Progressed(long id, int percent)
    {
        lock (_uploadGate)
        {
            if (!_uploads.TryGetValue(id, out var upload) || upload.Percent == percent)
                return;
            _uploads[id] = upload with { Percent = percent };
        }
        PublishStatus();
    }

    /// <summary>Shows the uploads' progress and who is typing here, in that order, or nothing.</summary>
    private void PublishStatus()
    {
        string? uploads;
        lock (_uploadGate)
            uploads = _uploads.Count == 0 ? null : "sending " + string.Join(", ", _uploads.Values.Select(u => $"{TerminalText.Neutralise(u.Name)} {u.Percent}%"));
        string? typing;
        lock (_typingGate)
            typing = _typingStatus;
        var status = uploads is null ? typing : typing is null ? uploads : $"{uploads} · {typing}";
        // Under the lock, so the view ends with the latest of two statuses decided at once.
        lock (_statusGate)
        {
            if (status == _shownStatus)
                return;
            _shownStatus = status;
            view.SetStatus(status);
        }
    }

    /// <summary>
    /// The path and the caption after it. A path with spaces is quoted ("my photo.jpg" or
    /// 'my photo.jpg'); unquoted, the longest run of words that names a file is the path, so
    /// <c>/send my photo.jpg the view</c> works too, and else the first word.
    /// </summary>
    public static (string Path, string Caption) SplitPath(string args)
    {
        args = args.Trim();
        if (args.Length > 0 && args[0] is '"' or '\'')
        {
            var close = args.IndexOf(args[0], 1);
            return close < 0 ? (args[1..], "") : (args[1..close], args[(close + 1)..].Trim());
        }
        for (var end = args.Length; end > 0; end = args.LastIndexOf(' ', end - 1))
        {
            var candidate = args[..end].TrimEnd();
            if (File.Exists(ExpandPath(candidate)))
                return (candidate, args[end..].Trim());
        }
        var space = args.IndexOf(' ');
        return space < 0 ? (args, "") : (args[..space], args[(space + 1)..].Trim());
    }

    /// <summary>A path as typed: <c>~</c> is the home folder; a relative path is from the current folder.</summary>
    public static string ExpandPath(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        return Path.GetFullPath(path);
    }

    /// <summary>Turns bytes sent into whole per cents for the status; called in order on the uploading thread.</summary>
    private sealed class UploadProgress(ChatApp app, long id, long length) : IProgress<long>
    {
        public void Report(long value) => app.Progressed(id, length <= 0 ? 100 : (int)Math.Min(100, value * 100 / length));
    }
}
