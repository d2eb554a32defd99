using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>What was acknowledged survives restarts, a killed process included.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Users_rooms_membership_history_and_reads_survive_a_restart()
    {
        var data = TempDirectory.Create();
        try
        {
            await using (var server = await TestServer.StartAsync(dataDirectory: data))
            {
                await using var alice = await server.RegisterAsync("alice");
                await using var bob = await server.RegisterAsync("bob");
                await alice.OkAsync("create", new { room = "dev", topic = "kept" });
                await bob.OkAsync("join", new { room = "dev" });
                await bob.OkAsync("leave", new { room = "lobby" });
                for (var i = 1; i <= 3; i++)
                    await alice.OkAsync("send", new { room = "dev", text = $"m{i}" });
                await bob.OkAsync("read", new { room = "dev", seq = 2 });
            }

            await using (var server = await TestServer.StartAsync(dataDirectory: data))
            {
                await using var bob = await server.ConnectAsync();
                var login = await bob.OkAsync("login", new { user = "bob", password = "password1" });
                var rooms = login.GetProperty("rooms").EnumerateArray().ToList();
                var dev = Assert.Single(rooms);
                Assert.Equal(("dev", "kept", 3L, 1L), (dev.GetProperty("name").GetString(), dev.GetProperty("topic").GetString(),
                    dev.GetProperty("lastSeq").GetInt64(), dev.GetProperty("unread").GetInt64()));
                var history = await bob.OkAsync("history", new { room = "dev" });
                Assert.Equal(["m3", "m2", "m1"], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));

                var sent = await bob.OkAsync("send", new { room = "dev", text = "m4" });
                Assert.Equal(4, sent.GetProperty("message").GetProperty("seq").GetInt64());
            }
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Every_acknowledged_message_survives_the_process_being_killed()
    {
        const int senders = 5, perSender = 60;
        var data = TempDirectory.Create();
        try
        {
            var acknowledged = new List<(string Text, long Seq)>();
            await using (var server = await ServerProcess.StartAsync(data))
            {
                var clients = new List<LineClient>();
                for (var i = 0; i < senders; i++)
                {
                    var client = await server.ConnectAsync();
                    await client.OkAsync("register", new { user = $"writer{i}", password = "password1" });
                    clients.Add(client);
                }
                // Kill the server while the senders are still sending: every message acknowledged
                // by then must be on disk, whatever was in flight.
                var sending = clients.Select((c, i) => Task.Run(async () =>
                {
                    for (var n = 0; n < perSender; n++)
                    {
                        var text = $"w{i}-{n}";
                        try
                        {
                            var ok = await c.OkAsync("send", new { room = "lobby", text });
                            lock (acknowledged)
                                acknowledged.Add((text, ok.GetProperty("message").GetProperty("seq").GetInt64()));
                        }
                        catch (IOException)
                        {
                            return;
                        }
                    }
                })).ToList();
                await Until.TrueAsync(() => { lock (acknowledged) return acknowledged.Count >= senders * perSender / 2; }, "half the messages are acknowledged");
                await server.KillAsync();
                await Task.WhenAll(sending);
                foreach (var c in clients)
                    await c.DisposeAsync();
            }

            await using (var server = await ServerProcess.StartAsync(data))
            {
                await using var reader = await server.ConnectAsync();
                await reader.OkAsync("login", new { user = "writer0", password = "password1" });
                var stored = new Dictionary<long, string>();
                long? before = null;
                while (true)
                {
                    var page = await reader.OkAsync("history", new { room = "lobby", before, limit = 200 });
                    foreach (var m in page.GetProperty("messages").EnumerateArray())
                        stored[m.GetProperty("seq").GetInt64()] = m.GetProperty("text").GetString()!;
                    if (!page.GetProperty("more").GetBoolean())
                        break;
                    before = stored.Keys.Min();
                }
                Assert.True(acknowledged.Count >= senders * perSender / 2);
                foreach (var (text, seq) in acknowledged)
                    Assert.Equal(text, stored.GetValueOrDefault(seq));
            }
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task An_upload_cut_off_by_the_process_being_killed_leaves_no_file_that_anything_names()
    {
        var data = TempDirectory.Create();
        try
        {
            var files = Path.Combine(data, "files");
            string token;
            await using (var server = await ServerProcess.StartAsync(data))
            {
                await using var alice = await server.ConnectAsync();
                token = (await alice.OkAsync("register", new { user = "alice", password = "password1" })).GetProperty("token").GetString()!;
                // Half of a 4 MB upload, over a raw socket, then the process dies under it.
                using var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync("127.0.0.1", server.HttpPort);
                var stream = socket.GetStream();
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                    $"POST /api/files?name=big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: 4000000\r\n\r\n"));
                await stream.WriteAsync(new byte[2_000_000]);
                await Until.TrueAsync(() => Directory.EnumerateFiles(Path.Combine(files, "tmp")).Any(f => new FileInfo(f).Length > 0),
                    "the upload is being written");
                await server.KillAsync();
            }
            Assert.Empty(Blobs(files));

            await using (var server = await ServerProcess.StartAsync(data))
            {
                using var http = new FileHttp(new Uri($"http://127.0.0.1:{server.HttpPort}/"));
                var id = await http.UploadIdAsync(token, new byte[4_000_000], "big.bin");
                await using var alice = await server.ConnectAsync();
                await alice.OkAsync("resume", new { token });
                await alice.OkAsync("send", new { room = "lobby", attachments = new[] { id } });
            }
            Assert.Single(Blobs(files));
        }
        finally
        {
            TempDirectory.Delete(data);
        }

        // Blobs are named by their SHA-256, two folders deep; tmp/ and the link key are not blobs.
        static IEnumerable<string> Blobs(string files) =>
            Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Length == 64);
    }
}
