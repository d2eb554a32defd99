using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Parley.Cli.Chat;
using Parley.Cli.Commands;
using Parley.Client;
using Parley.Server.Files;
using Parley.Tests.Files;
using Parley.Tests.Support;

namespace Parley.Tests.Chat;

/// <summary>`parley chat`'s /send and how it prints received files, against the real server (and its IRC gateway, which prints them the same way).</summary>
public sealed partial class ChatFileTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");

    private TestServer _server = null!;
    private FileHttp _http = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new FileHttp(_server.HttpUri);
        _folder = TempDirectory.Create();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        TempDirectory.Delete(_folder);
    }

    private string Http => $"http://127.0.0.1:{_server.Server.HttpEndpoint.Port}";

    private sealed record Running(LineInput Input, CapturedOutput Output, Task<int> Exit);

    private Running Start(string user)
    {
        var input = new LineInput();
        var output = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings($"127.0.0.1:{_server.TcpPort}", user, "lobby", PasswordStdin: false, Register: true, "password1");
        return new Running(input, output, Task.Run(() => ChatCommand.RunAsync(settings, input, output, new CapturedOutput(), interactive: false, CancellationToken.None)));
    }

    private static async Task<int> Finish(Running chat)
    {
        chat.Input.End();
        return await chat.Exit.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A link as the server signs it: to the file's bytes under its name, until a time.</summary>
    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/api/files/[0-9a-f]{32}/[^ ?]+\?e=\d+&s=[A-Za-z0-9_-]+$")]
    private static partial Regex SignedLink();

    [Fact]
    public async Task Send_uploads_a_file_and_sends_it_with_its_caption_and_the_printed_link_downloads_it()
    {
        await using var bob = await _server.RegisterAsync("bob");
        // A name with a space, typed without quotes: the longest words that name a file are the path.
        var report = Path.Combine(_folder, "report q4.pdf");
        await File.WriteAllBytesAsync(report, Pdf);
        var notes = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(notes, "plain notes, 你好\n");

        var alice = Start("alice");
        alice.Input.Send($"/send {report} the figures for Q4");
        alice.Input.Send($"/upload \"{notes}\"");
        alice.Input.Send($"/send {Path.Combine(_folder, "missing.bin")} nothing");
        alice.Input.Send("/send");
        alice.Input.Send("still here");
        // The two refused lines make a script end with 1.
        Assert.Equal(1, await Finish(alice));

        var lines = alice.Output.Lines.ToList();
        var caption = lines.FindIndex(l => l.EndsWith("#lobby alice: the figures for Q4", StringComparison.Ordinal));
        Assert.True(caption >= 0, alice.Output.Text);
        var fileLine = lines[caption + 1];
        Assert.StartsWith($"      [file, {Pdf.Length} B] report q4.pdf {Http}/api/files/", fileLine);
        Assert.Matches(SignedLink(), fileLine);
        var noCaption = Assert.Single(lines, l => l.Contains("#lobby alice: [file, ", StringComparison.Ordinal));
        Assert.Contains($"] notes.txt {Http}/api/files/", noCaption);
        Assert.Contains($"error: there is no file '{Path.Combine(_folder, "missing.bin")}'", alice.Output.Text);
        Assert.Contains("error: usage: /send PATH [caption]", alice.Output.Text);
        Assert.Contains(lines, l => l.EndsWith("#lobby alice: still here", StringComparison.Ordinal));

        // bob got both, and the link alice's terminal printed downloads the file.
        var received = await bob.NextAsync("message", e => e.GetProperty("text").GetString() == "the figures for Q4");
        var attachment = Assert.Single(received.GetProperty("attachments").EnumerateArray());
        Assert.Equal(("report q4.pdf", "application/pdf"), (attachment.GetProperty("name").GetString(), attachment.GetProperty("type").GetString()));
        var printedUrl = fileLine[(fileLine.LastIndexOf(' ') + 1)..];
        using var download = await _http.GetAsync(printedUrl);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        var second = await bob.NextAsync("message", e => e.TryGetProperty("attachments", out _) && e.GetProperty("text").GetString() == "");
        Assert.Equal("notes.txt", second.GetProperty("attachments")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Received_pictures_and_files_print_as_the_irc_gateway_prints_them()
    {
        await using var bob = await _server.ConnectAsync();
        var token = (await bob.OkAsync("register", new { user = "bob", password = "password1" })).GetProperty("token").GetString()!;
        await (await _server.RegisterAsync("carol")).DisposeAsync();
        await using var irc = await IrcClient.SignInAsync(_server.IrcPort, "carol");
        await irc.SendAsync("JOIN #lobby");
        await irc.NextAsync(l => l.Contains(" 366 carol #lobby", StringComparison.Ordinal));
        // Once its first line is sent, the chat has opened the lobby: what comes next prints once, as it arrives.
        var alice = Start("alice");
        alice.Input.Send("ready");
        await alice.Output.WaitForLineAsync("#lobby alice: ready");

        byte[] jpeg;
        using (var photo = TestImages.Photo(1280, 720))
            jpeg = TestImages.Jpeg(photo);
        var image = await _http.UploadIdAsync(token, jpeg, "view.jpg");
        var pdf = await _http.UploadIdAsync(token, Pdf, "agenda.pdf");
        await bob.OkAsync("send", new { room = "lobby", text = "look", attachments = new[] { image, pdf } });
        var onlyFile = await _http.UploadIdAsync(token, Pdf, "again.pdf");
        await bob.OkAsync("send", new { room = "lobby", attachments = new[] { onlyFile } });

        await alice.Output.WaitForLineAsync("] again.pdf ");
        Assert.Equal(0, await Finish(alice));
        var lines = alice.Output.Lines.ToList();
        var look = lines.FindIndex(l => l.EndsWith("#lobby bob: look", StringComparison.Ordinal));
        Assert.True(look >= 0, alice.Output.Text);
        var imageLine = lines[look + 1];
        var pdfLine = lines[look + 2];
        Assert.Matches(@"^      \[image 1280×720, \d+ KB\] view\.jpg http://", imageLine);
        Assert.Matches(SignedLink(), imageLine);
        Assert.StartsWith($"      [file, {Pdf.Length} B] agenda.pdf {Http}/api/files/{pdf}/agenda.pdf?", pdfLine);
        var fileOnly = Assert.Single(lines, l => l.Contains("#lobby bob: [file, ", StringComparison.Ordinal));

        // Word for word what an IRC client is sent for the same files.
        await irc.NextAsync(l => l.EndsWith("PRIVMSG #lobby :look", StringComparison.Ordinal));
        var ircImage = await irc.NextAsync(l => l.Contains("PRIVMSG #lobby :[image ", StringComparison.Ordinal));
        var ircPdf = await irc.NextAsync(l => l.Contains("PRIVMSG #lobby :[file, ", StringComparison.Ordinal));
        var ircAgain = await irc.NextAsync(l => l.Contains("PRIVMSG #lobby :[file, ", StringComparison.Ordinal));
        static string Said(string ircLine) => ircLine[(ircLine.IndexOf(" :", StringComparison.Ordinal) + 2)..];
        Assert.Equal(Said(ircImage), imageLine.TrimStart());
        Assert.Equal(Said(ircPdf), pdfLine.TrimStart());
        Assert.EndsWith("bob: " + Said(ircAgain), fileOnly);
    }

    [Fact]
    public async Task A_file_over_the_limit_or_a_picture_the_server_refuses_prints_the_reason_and_the_script_fails()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxUploadBytes"] = "1000" });
        var big = Path.Combine(_folder, "big.bin");
        await File.WriteAllBytesAsync(big, new byte[5000]);
        var broken = Path.Combine(_folder, "broken.png");
        await File.WriteAllBytesAsync(broken, [.. TestImages.PngSignature, .. new byte[200]]);
        var input = new LineInput();
        var output = new CapturedOutput();
        var settings = new ChatCommand.ChatSettings($"127.0.0.1:{server.TcpPort}", "alice", "lobby", PasswordStdin: false, Register: true, "password1");
        var exit = Task.Run(() => ChatCommand.RunAsync(settings, input, output, new CapturedOutput(), interactive: false, CancellationToken.None));
        input.Send($"/send {big}");
        input.Send($"/send {broken} look");
        input.Send("after them");
        input.End();
        Assert.Equal(1, await exit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("error: files are at most 1,000 bytes; this one has 5,000 bytes [file_too_large]", output.Lines);
        Assert.Contains(output.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.EndsWith(" [bad_image]", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Lines, l => l.Contains("look", StringComparison.Ordinal) && !l.StartsWith("error", StringComparison.Ordinal));
        Assert.Contains(output.Lines, l => l.EndsWith("#lobby alice: after them", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reply_to_files_without_a_caption_quotes_the_first_file()
    {
        var link = new Uri("http://127.0.0.1:8080/api/files/1/a");
        var picture = new Parley.Client.Model.Attachment("1", "view.jpg", 214_000, "image/jpeg", 1280, 720, link, link);
        var pdf = new Parley.Client.Model.Attachment("2", "report.pdf", 2_200_000, "application/pdf", null, null, link, null);
        var files = new Parley.Client.Model.ChatMessage("m", 3, DateTimeOffset.UtcNow, "bob", "lobby", null, "") { Attachments = [picture, pdf] };
        var format = new MessageFormatter("alice", colour: false);
        Assert.Equal("↪ [3] bob: [image] view.jpg +1", format.Quote(3, files));
        Assert.Equal("[file] report.pdf", MessageFormatter.FirstLine(files with { Attachments = [pdf] }));
        Assert.Equal("the view", MessageFormatter.FirstLine(files with { Text = "the view" }));
        Assert.Equal("[file, 2.1 MB] report.pdf http://127.0.0.1:8080/api/files/1/a", MessageFormatter.Attachment(pdf));
    }

    [Fact]
    public async Task Help_lists_the_file_commands_among_the_others_in_order()
    {
        var alice = Start("alice");
        alice.Input.Send("/help");
        Assert.Equal(0, await Finish(alice));
        var usages = alice.Output.Lines.SkipWhile(l => l != "-- commands:").Skip(1).TakeWhile(l => l.StartsWith("  /", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Equal("/join", usages[0]);
        Assert.Equal("/quit", usages[^1]);
        var files = usages.IndexOf("/send");
        Assert.Equal(["/history", "/send", "/upload", "/cancel", "/room"], usages[(files - 1)..(files + 4)]);
        Assert.Contains(alice.Output.Lines, l => l.StartsWith("  /send PATH [caption]   send a file here, with progress", StringComparison.Ordinal));
    }

    /// <summary>What a terminal view shows: printed lines, and every status in turn.</summary>
    private sealed class RecordingView : IChatView
    {
        private readonly List<string> _lines = [];
        private readonly List<string?> _statuses = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }

        public IReadOnlyList<string?> Statuses
        {
            get
            {
                lock (_statuses)
                    return [.. _statuses];
            }
        }

        public void Print(string line)
        {
            lock (_lines)
                _lines.Add(line);
        }

        public void SetPrompt(string prompt)
        {
        }

        public void SetStatus(string? status)
        {
            lock (_statuses)
                _statuses.Add(status);
        }
    }

    [Fact]
    public async Task On_a_terminal_the_upload_shows_its_progress_in_the_status_and_then_the_message()
    {
        await using var client = await ParleyClient.ConnectAsync(new ParleyClientOptions { Server = $"127.0.0.1:{_server.TcpPort}" });
        var session = await client.RegisterAsync("alice", "password1");
        var view = new RecordingView();
        var app = new ChatApp(client, view, new MessageFormatter("alice", colour: false), interactive: true);
        await app.StartAsync(session, "lobby");
        var events = app.PumpEventsAsync();
        var path = Path.Combine(_folder, "big.bin");
        var bytes = new byte[3 * 1024 * 1024 + 7];
        new Random(3).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);

        await app.HandleLineAsync("/cancel");
        Assert.Contains("-- no file is being sent", view.Lines);
        Assert.True(await app.HandleLineAsync($"/send {path} all of it"));
        await Until.TrueAsync(() => view.Lines.Any(l => l.Contains("#lobby alice: all of it\n", StringComparison.Ordinal)), "the message is printed");
        await Until.TrueAsync(() => view.Statuses.Count > 0 && view.Statuses[^1] is null, "the status is cleared");

        // "sending big.bin N%", N rising to 100, then nothing.
        var shown = view.Statuses.ToList();
        Assert.Equal("sending big.bin 0%", shown[0]);
        var percents = shown.Take(shown.Count - 1).Select(s => int.Parse(Regex.Match(s!, @"^sending big\.bin (\d+)%$").Groups[1].Value)).ToList();
        Assert.True(percents.Count >= 10, string.Join(" | ", shown));
        Assert.Equal(percents.Order(), percents);
        Assert.Equal(100, percents[^1]);
        // One message, printed at once: its caption, then its file on the next line.
        var message = view.Lines.Single(l => l.Contains("#lobby alice: all of it\n", StringComparison.Ordinal));
        var fileLine = message.Split('\n')[1];
        Assert.StartsWith("      [file, 3 MB] big.bin http://", fileLine);
        Assert.Matches(SignedLink(), fileLine);

        await client.DisposeAsync();
        await events;
    }

    [Fact]
    public async Task Cancel_stops_a_file_being_sent_and_nothing_is_sent_or_kept()
    {
        await using var server = await TestServer.StartAsync(new() { ["Limits:MaxUploadBytes"] = (4L << 30).ToString() });
        await using var client = await ParleyClient.ConnectAsync(new ParleyClientOptions { Server = $"127.0.0.1:{server.TcpPort}" });
        var session = await client.RegisterAsync("alice", "password1");
        var view = new RecordingView();
        var app = new ChatApp(client, view, new MessageFormatter("alice", colour: false), interactive: true);
        await app.StartAsync(session, "lobby");
        var events = app.PumpEventsAsync();
        // A gigabyte with no blocks on disk (zeros when read): far more than is sent before /cancel.
        var path = Path.Combine(_folder, "huge.bin");
        await using (var huge = File.Create(path))
            huge.SetLength(1L << 30);

        await app.HandleLineAsync($"/send {path} never");
        await Until.TrueAsync(() => view.Statuses.Any(s => s is not null && s != "sending huge.bin 0%"), "the upload is under way");
        await app.HandleLineAsync("/cancel");
        await Until.TrueAsync(() => view.Lines.Contains("-- stopped sending huge.bin"), "the upload stops");
        await Until.TrueAsync(() => view.Statuses[^1] is null, "the status is cleared");
        Assert.DoesNotContain(view.Lines, l => l.Contains("never", StringComparison.Ordinal));
        Assert.Empty((await client.HistoryAsync(Parley.Client.Model.Target.InRoom("lobby"))).Messages);
        var blobs = server.Server.Services.GetRequiredService<DirectoryBlobStore>();
        await Until.TrueAsync(() => !Directory.EnumerateFiles(blobs.TempDirectory).Any(), "the server dropped the cut-off upload");
        Assert.Empty(blobs.List());

        await client.DisposeAsync();
        await events;
    }

    [Fact]
    public void A_path_is_quoted_or_the_longest_words_that_name_a_file_and_tab_completes_it()
    {
        var photos = Directory.CreateDirectory(Path.Combine(_folder, "photos"));
        File.WriteAllText(Path.Combine(_folder, "photo.jpg"), "x");
        File.WriteAllText(Path.Combine(_folder, "phone list.txt"), "x");
        File.WriteAllText(Path.Combine(_folder, ".phantom"), "x");
        File.WriteAllText(Path.Combine(photos.FullName, "cat.png"), "x");

        Assert.Equal(($"{_folder}/phone list.txt", "call them"), ChatApp.SplitPath($"{_folder}/phone list.txt call them"));
        Assert.Equal(($"{_folder}/phone list.txt", "call them"), ChatApp.SplitPath($"\"{_folder}/phone list.txt\"  call them"));
        Assert.Equal(("it is here.txt", ""), ChatApp.SplitPath("\"it is here.txt"));
        Assert.Equal(("it", "s here.txt"), ChatApp.SplitPath("'it's here.txt"));
        Assert.Equal(($"{_folder}/nowhere", "to be found"), ChatApp.SplitPath($"{_folder}/nowhere to be found"));
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "x.jpg"), ChatApp.ExpandPath("~/x.jpg"));

        // Folders first, then files ready for a caption; a name with a space quoted; hidden ones only when asked for.
        Assert.Equal([$"{_folder}/photos/", $"\"{_folder}/phone list.txt\" ", $"{_folder}/photo.jpg "], PathCompletion.Candidates($"{_folder}/ph"));
        Assert.Equal([$"{_folder}/.phantom "], PathCompletion.Candidates($"{_folder}/.ph"));
        Assert.Equal([$"{_folder}/photos/cat.png "], PathCompletion.Candidates($"{_folder}/photos/"));
        Assert.Empty(PathCompletion.Candidates($"{_folder}/nothing"));
        Assert.Empty(PathCompletion.Candidates($"{_folder}/no such folder/x"));
    }
}
