using Microsoft.Extensions.Time.Testing;
using Parley.Core.Cluster;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

/// <summary>Which uses of a token start its idle clock again (Limits:TokenIdleLifetime).</summary>
public sealed class TokenUseTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = TempDirectory.Create();
    private readonly FakeTimeProvider _clock = new(T0);
    private SqliteChatStore _store = null!;
    private ChatHub _hub = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        _hub = new ChatHub(_store, new InProcessBackplane(_store), new IdentityPasswordHasher(1000), _clock,
            new ChatLimits { TokenIdleLifetime = TimeSpan.FromDays(30) });
        await _hub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    [Fact]
    public async Task A_session_open_longer_than_the_idle_lifetime_can_still_resume_after_it_ends()
    {
        var app = new RecordingSession();
        var token = (await _hub.RegisterAsync(app, "ann", "password1")).Value!.Token!;

        // Connected for 40 days without a reconnect; then the connection drops.
        _clock.Advance(TimeSpan.FromDays(40));
        _hub.Detach(app);
        var hash = SessionTokens.Hash(token);
        await Until.TrueAsync(async () => (await _store.FindTokenAsync(hash))?.LastUsed == _clock.GetUtcNow(), "the end of the session recorded as a use");

        var result = await _hub.ResumeAsync(new RecordingSession(), token);
        Assert.True(result.Ok, result.Error?.Message);
    }

    [Fact]
    public async Task A_session_that_ends_within_the_touch_interval_writes_nothing_and_a_logged_out_token_stays_gone()
    {
        var app = new RecordingSession();
        var token = (await _hub.RegisterAsync(app, "ann", "password1")).Value!.Token!;
        var hash = SessionTokens.Hash(token);
        _clock.Advance(TimeSpan.FromHours(1));
        _hub.Detach(app);
        Assert.Equal(T0, (await _store.FindTokenAsync(hash))?.LastUsed);

        var other = new RecordingSession();
        Assert.True((await _hub.ResumeAsync(other, token)).Ok);
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.True((await _hub.LogoutAsync(other)).Ok);
        _hub.Detach(other);
        Assert.Null(await _store.FindTokenAsync(hash));
    }
}
