using Parley.Tests.Support;

namespace Parley.Tests.Integration;

/// <summary>`parley serve` as a user runs it: a separate process, its printed lines, SIGTERM.</summary>
public sealed class ServeCommandTests
{
    /// <summary>The failure of a server expected not to start; one that starts anyway is stopped, and the test fails.</summary>
    private static async Task<InvalidOperationException> RefusedAsync(Func<Task<ServerProcess>> start)
    {
        try
        {
            await using var started = await start();
        }
        catch (InvalidOperationException refused)
        {
            return refused;
        }
        throw new Xunit.Sdk.XunitException("the server started");
    }

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
            Assert.Equal("{\"status\":\"ok\"}\n", await http.GetStringAsync($"http://127.0.0.1:{server.HttpPort}/healthz"));
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
            var error = await RefusedAsync(() => ServerProcess.StartAsync(data, "--store", "redis", "--redis", "127.0.0.1:1"));
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
            var error = await RefusedAsync(() => ServerProcess.StartAsync(data, "--tcp", "nonsense"));
            Assert.Contains("not ADDR:PORT", error.Message);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Refuses_a_trusted_proxy_that_is_not_an_address_and_names_it()
    {
        var data = TempDirectory.Create();
        try
        {
            var error = await RefusedAsync(() => ServerProcess.StartAsync(data,
                new Dictionary<string, string> { ["PARLEY_CONNECTIONS__TRUSTEDPROXIES__0"] = "proxy.example.org" }));
            Assert.Contains("Connections:TrustedProxies: 'proxy.example.org' is not an address or a network", error.Message);
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Theory]
    [InlineData("--tcp")]
    [InlineData("--http")]
    [InlineData("--irc")]
    public async Task A_listener_whose_port_is_taken_makes_a_second_server_exit_with_one_line(string flag)
    {
        var first = TempDirectory.Create();
        var second = TempDirectory.Create();
        try
        {
            await using var running = await ServerProcess.StartAsync(first);
            var port = flag switch { "--tcp" => running.TcpPort, "--http" => running.HttpPort, _ => running.IrcPort };

            var refused = await RefusedAsync(() => ServerProcess.StartAsync(second, flag, $"127.0.0.1:{port}"));

            // The whole of standard error: one line naming the listener and the address, no stack trace.
            Assert.Equal($"parley serve exited with 1: parley serve: {flag[2..]} 127.0.0.1:{port} is already in use", refused.Message);
            // The first server still has every new connection on its ports.
            await using var client = await running.ConnectAsync();
            await client.OkAsync("ping");
        }
        finally
        {
            TempDirectory.Delete(first);
            TempDirectory.Delete(second);
        }
    }

    [Fact]
    public async Task A_second_server_on_the_same_data_directory_is_refused_and_names_the_first()
    {
        var data = TempDirectory.Create();
        try
        {
            await using var running = await ServerProcess.StartAsync(data);

            var refused = await RefusedAsync(() => ServerProcess.StartAsync(data));

            Assert.Equal($"parley serve exited with 1: parley serve: {data} is in use by another parley serve (pid {running.Pid})", refused.Message);
            Assert.Equal(0, await running.TerminateAsync());
            // The lock dies with its holder: the directory is free again at once.
            await using var next = await ServerProcess.StartAsync(data);
            await using var client = await next.ConnectAsync();
            await client.OkAsync("ping");
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task A_data_directory_held_by_a_killed_server_is_free_at_once()
    {
        var data = TempDirectory.Create();
        try
        {
            await using (var killed = await ServerProcess.StartAsync(data))
                await killed.KillAsync();
            await using var next = await ServerProcess.StartAsync(data);
            await using var client = await next.ConnectAsync();
            await client.OkAsync("ping");
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }

    [Fact]
    public async Task Ports_freed_by_a_stopped_server_can_be_bound_again_at_once()
    {
        var data = TempDirectory.Create();
        try
        {
            string[] ports = ["--tcp", $"127.0.0.1:{FreePort.Tcp()}", "--http", $"127.0.0.1:{FreePort.Tcp()}", "--irc", $"127.0.0.1:{FreePort.Tcp()}"];
            await using (var stopped = await ServerProcess.StartAsync(data, ports))
            {
                // A client the server hangs up on: the server's side of it waits in TIME_WAIT after the stop.
                await using var client = await stopped.ConnectAsync();
                await client.OkAsync("ping");
                Assert.Equal(0, await stopped.TerminateAsync());
                await client.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            }
            await using var restarted = await ServerProcess.StartAsync(data, ports);
            await using var again = await restarted.ConnectAsync();
            await again.OkAsync("ping");
        }
        finally
        {
            TempDirectory.Delete(data);
        }
    }
}
