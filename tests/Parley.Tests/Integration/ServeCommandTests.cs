using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>`parley serve` as a user runs it: a separate process, its printed lines, SIGTERM.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Prints_one_line_per_listener_and_serves_health()
    {
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data);
            Assert.Contains($"listening tcp 127.0.0.1:{server.TcpPort}", server.StandardOutput);
            Assert.Contains($"listening http 127.0.0.1:{server.HttpPort}", server.StandardOutput);
            using var http = new HttpClient();
            Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{server.HttpPort}/healthz"));
            Assert.True(File.Exists(Path.Combine(data, "parley.db")));
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Sigterm_says_bye_to_clients_and_exits_cleanly()
    {
        var data = TempDirectory.Create();
        try
        {
            await using var server = await ServerProcess.StartAsync(data);
            await using var client = await server.ConnectAsync();
            await client.OkAsync("register", new { user = "alice", password = "password1" });
            await using var anonymous = await server.ConnectAsync();
            await anonymous.OkAsync("ping");

            Assert.Equal(0, await server.TerminateAsync());
            Assert.Equal("shutdown", (await client.NextAsync("bye")).GetProperty("reason").GetString());
            Assert.Equal("shutdown", (await anonymous.NextAsync("bye")).GetProperty("reason").GetString());
            await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Refuses_to_start_when_Redis_is_unreachable_and_says_what_to_check()
    {
        var data = TempDirectory.Create();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                ServerProcess.StartAsync(data, "--store", "redis", "--redis", "127.0.0.1:1"));
            Assert.Contains("is unreachable", error.Message);
            Assert.Contains("Check that redis-server is running", error.Message);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Refuses_a_malformed_listener_address_with_a_clear_message()
    {
        var data = TempDirectory.Create();
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(data, "--tcp", "nonsense"));
            Assert.Contains("not ADDR:PORT", error.Message);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
