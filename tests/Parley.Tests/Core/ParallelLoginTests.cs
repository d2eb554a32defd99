using Parley.Core.Cluster;
using Parley.Core.Hub;
using Parley.Core.Model;
using Parley.Core.Policy;
using Parley.Core.Storage;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Core;

/// <summary>
/// Wrong logins made in parallel from one address: the throttles must count each attempt as it
/// starts, not after its (slow) password check, or every parallel guess gets its check.
/// </summary>
public sealed class ParallelLoginTests : IAsyncLifetime
{
    private const string Address = "203.0.113.7";
    private readonly string _directory = TempDirectory.Create();
    private readonly HeldHasher _hasher = new(new IdentityPasswordHasher(1000));
    private SqliteChatStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _hasher.Release();
        await _store.DisposeAsync();
        TempDirectory.Delete(_directory);
    }

    private async Task<ChatHub> StartHubAsync(ChatLimits limits)
    {
        var hub = new ChatHub(_store, new InProcessBackplane(_store), _hasher, TimeProvider.System, limits);
        await hub.StartAsync();
        return hub;
    }

    /// <summary>
    /// Starts the logins, waits until each is either answered or held in its password check,
    /// releases the checks, and returns the answers' error codes.
    /// </summary>
    private async Task<string?[]> LoginAllAsync(ChatHub hub, Func<int, string> name, int count)
    {
        var logins = Enumerable.Range(0, count)
            .Select(i => hub.LoginAsync(new RecordingSession { RemoteAddress = Address }, name(i), "wrong-password"))
            .ToArray();
        await Until.TrueAsync(() => logins.Count(t => t.IsCompleted) + _hasher.Checks == count, "every login answered or being checked");
        _hasher.Release();
        var results = await Task.WhenAll(logins);
        return [.. results.Select(r => r.Error?.Code)];
    }

    [Fact]
    public async Task Parallel_wrong_logins_from_one_address_get_no_more_password_checks_than_the_address_may_fail()
    {
        var hub = await StartHubAsync(new ChatLimits { AddressLoginFailures = 3, ExemptLoopback = false });

        // A different name each time: the per-name throttle never trips, only the address's can.
        var codes = await LoginAllAsync(hub, i => $"guess{i}", 40);

        Assert.True(_hasher.Checks <= 3, $"{_hasher.Checks} passwords were checked");
        Assert.Equal(40 - _hasher.Checks, codes.Count(c => c == ErrorCodes.AddressThrottled));
        Assert.Equal(_hasher.Checks, codes.Count(c => c == ErrorCodes.BadCredentials));
    }

    [Fact]
    public async Task Parallel_wrong_logins_for_one_name_get_no_more_password_checks_than_the_name_may_fail()
    {
        var hub = await StartHubAsync(new ChatLimits { LoginFailuresBeforeThrottle = 3, AddressLoginFailures = 0 });

        var codes = await LoginAllAsync(hub, _ => "ann", 40);

        Assert.True(_hasher.Checks <= 3, $"{_hasher.Checks} passwords were checked");
        Assert.Equal(40 - _hasher.Checks, codes.Count(c => c == ErrorCodes.Throttled));
    }

    [Fact]
    public async Task A_right_password_gives_back_the_token_its_attempt_took()
    {
        var hub = await StartHubAsync(new ChatLimits { AddressLoginFailures = 2, ExemptLoopback = false });
        _hasher.Release();
        Assert.True((await hub.RegisterAsync(new RecordingSession(), "ann", "password1")).Ok);

        for (var i = 0; i < 5; i++)
            Assert.True((await hub.LoginAsync(new RecordingSession { RemoteAddress = Address }, "ann", "password1")).Ok);
        Assert.Equal(ErrorCodes.BadCredentials, (await hub.LoginAsync(new RecordingSession { RemoteAddress = Address }, "ann", "nope")).Error?.Code);
        Assert.Equal(ErrorCodes.BadCredentials, (await hub.LoginAsync(new RecordingSession { RemoteAddress = Address }, "ann", "nope")).Error?.Code);
        Assert.Equal(ErrorCodes.AddressThrottled, (await hub.LoginAsync(new RecordingSession { RemoteAddress = Address }, "ann", "password1")).Error?.Code);
    }

    /// <summary>Holds every password check until <see cref="Release"/>, counting them.</summary>
    private sealed class HeldHasher(IPasswordHasher inner) : IPasswordHasher
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _checks;

        public int Checks => Volatile.Read(ref _checks);

        public void Release() => _released.TrySetResult();

        public Task<string> HashAsync(string password) => inner.HashAsync(password);

        public async Task<PasswordCheck> VerifyAsync(string hash, string password)
        {
            Interlocked.Increment(ref _checks);
            await _released.Task;
            return await inner.VerifyAsync(hash, password);
        }
    }
}
