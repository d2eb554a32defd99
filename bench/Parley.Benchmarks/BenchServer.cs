using Microsoft.Extensions.Hosting;
using Parley.Core.Hub;
using Parley.Core.Policy;
using Parley.Protocol;
using Parley.Protocol.Native;
using Parley.Server.Hosting;
using Parley.Storage.Sqlite;

namespace Parley.Benchmarks;

/// <summary>
/// The real hub on a real SQLite store in a temporary folder (synchronous off: only set-up writes
/// to it), with an in-memory message backplane. Rate limits are lifted: the benchmarks send far
/// more than a person would.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("parley-bench-").FullName;
    private readonly SqliteChatStore _store;

    public BenchServer()
    {
        _store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_directory, "parley.db"), Synchronous = SqliteSynchronous.Off });
        Hub = new ChatHub(_store, new MemoryBackplane(), new IdentityPasswordHasher(1), TimeProvider.System, new ChatLimits());
        Options = new ParleyOptions
        {
            Connections = new ConnectionOptions
            {
                RateBurst = 1e12,
                RatePerSecond = 1e12,
                SignInTimeout = TimeSpan.Zero,
            },
        };
    }

    public ChatHub Hub { get; }

    public ParleyOptions Options { get; }

    public IHostApplicationLifetime Lifetime { get; } = new BenchLifetime();

    public Task StartAsync() => Hub.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class BenchLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
