using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Parley.Core.Model;
using Parley.Core.Storage;
using Parley.Storage.Redis;
using Parley.Storage.Sqlite;

namespace Parley.Cli.Commands;

/// <summary>
/// `parley bench search`: how fast search answers over a store of many messages, SQLite (the
/// default) or, with <c>--store redis</c>, a running redis-server. It builds the store (or reuses
/// one it built before with as many messages: SQLite at the same <c>--data</c>, Redis under the
/// same key prefix) through the store's own append path, so packing and indexing are what the
/// server does, then times <see cref="Core.Storage.IChatStore.SearchAsync"/> for several kinds of
/// text, each over the conversations of one user. In process, on the store: the server adds the
/// request's parsing, the user's conversation list and the reply's encoding (docs/benchmarks.md).
/// </summary>
public sealed class SearchBenchCommand
{
    public sealed record Settings(string Data, int Messages, int Conversations, int MemberOf, int Queries, int Limit, bool JsonOnly,
        string Store = "sqlite", string Redis = "127.0.0.1:6379");

    /// <summary>Where the Redis store keeps the benchmark's keys, apart from a server's (RedisKeys.DefaultPrefix).</summary>
    private const string RedisPrefix = "parley-bench-search:";

    private readonly Option<string?> _data = new("--data") { Description = "directory of the database; kept, and reused by a later run with as many messages [default: a temporary directory, deleted after]" };
    private readonly Option<int> _messages = new("--messages") { Description = "messages stored", DefaultValueFactory = _ => 1_000_000 };
    private readonly Option<int> _conversations = new("--conversations") { Description = "rooms the messages are spread over", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _memberOf = new("--member-of") { Description = "rooms the searching user is in (each search covers them all)", DefaultValueFactory = _ => 50 };
    private readonly Option<int> _queries = new("--queries") { Description = "searches timed per kind of text", DefaultValueFactory = _ => 300 };
    private readonly Option<int> _limit = new("--limit") { Description = "hits per page", DefaultValueFactory = _ => 20 };
    private readonly Option<bool> _jsonOnly = new("--json-only") { Description = "print only the JSON line" };
    private readonly Option<string> _store = new("--store") { Description = "sqlite (in --data) or redis (at --redis, keys under parley-bench-search:, kept for the next run)", DefaultValueFactory = _ => "sqlite" };
    private readonly Option<string> _redis = new("--redis") { Description = "with --store redis: HOST:PORT of a running redis-server", DefaultValueFactory = _ => "127.0.0.1:6379" };

    public Command Create()
    {
        var command = new Command("search", "search latency on SQLite or Redis over many stored messages (builds the store first)")
        {
            _data, _messages, _conversations, _memberOf, _queries, _limit, _jsonOnly, _store, _redis,
        };
        command.SetAction(async (result, _) =>
        {
            var data = result.GetValue(_data);
            var temporary = data is null;
            data ??= Path.Combine(Path.GetTempPath(), "parley-bench-search-" + Environment.ProcessId);
            try
            {
                var store = result.GetValue(_store)!;
                if (store is not ("sqlite" or "redis"))
                {
                    Console.Error.WriteLine($"--store is sqlite or redis, not '{store}'");
                    return 1;
                }
                return await RunAsync(new Settings(data, result.GetValue(_messages), result.GetValue(_conversations), result.GetValue(_memberOf),
                    result.GetValue(_queries), result.GetValue(_limit), result.GetValue(_jsonOnly), store, result.GetValue(_redis)!), Console.Out);
            }
            finally
            {
                if (temporary && Directory.Exists(data))
                    Directory.Delete(data, recursive: true);
            }
        });
        return command;
    }

    public static async Task<int> RunAsync(Settings settings, TextWriter output)
    {
        var random = new Random(29);
        var words = Enumerable.Range(0, 5000).Select(_ => Word(random)).ToArray();
        var hanzi = Enumerable.Range(0, 2500).Select(i => (char)(0x4E00 + i * 7)).ToArray();
        var redis = settings.Store == "redis";
        await using var store = redis ? new RedisChatStore(new RedisStoreOptions { Configuration = settings.Redis, KeyPrefix = RedisPrefix })
            : (IChatStore)new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(Directory.CreateDirectory(settings.Data).FullName, "parley.db"), Synchronous = SqliteSynchronous.Off });
        await store.InitializeAsync("lobby", DateTimeOffset.UtcNow);
        var count = settings.Messages.ToString(CultureInfo.InvariantCulture);
        var built = await BuiltAsync(store, settings) == count;
        var buildSeconds = 0.0;
        if (!built)
        {
            var clock = Stopwatch.StartNew();
            await BuildAsync(store, settings, random, words, hanzi, output);
            buildSeconds = clock.Elapsed.TotalSeconds;
            await MarkBuiltAsync(store, settings, count);
        }
        var databaseBytes = await SizeAsync(store, settings);

        // The user's rooms: the first --member-of of them, every one as busy as the others.
        var mine = Enumerable.Range(0, Math.Min(settings.MemberOf, settings.Conversations)).Select(Room).ToArray();
        var kinds = new (string Name, Func<Random, string> Text, string[] Conversations)[]
        {
            ("common word", r => words[r.Next(20)], mine),
            ("any word", r => words[r.Next(words.Length)], mine),
            ("rare word", r => words[r.Next(words.Length)] + " " + words[r.Next(words.Length)], mine),
            ("3 hanzi", r => Hanzi(r, hanzi, 3), mine),
            ("2 hanzi (scan)", r => Hanzi(r, hanzi, 2), mine),
            ("2 latin (scan)", r => words[r.Next(words.Length)][..2], mine),
            ("any word, one room", r => words[r.Next(words.Length)], [mine[0]]),
            ("any word, page 3", r => words[r.Next(20)], mine),
        };
        var results = new List<(string Kind, double P50, double P99, double Max, double Hits)>();
        foreach (var (name, text, conversations) in kinds)
        {
            var times = new List<double>(settings.Queries);
            var hits = 0L;
            for (var i = 0; i < settings.Queries + 20; i++)
            {
                var query = text(random);
                var clock = Stopwatch.StartNew();
                var page = await store.SearchAsync(conversations, query, null, settings.Limit);
                if (name.EndsWith("page 3", StringComparison.Ordinal))
                {
                    for (var p = 0; p < 2 && page.More; p++)
                        page = await store.SearchAsync(conversations, query, SearchCursor.Of(page.Messages[^1]), settings.Limit);
                }
                var elapsed = clock.Elapsed.TotalMilliseconds;
                if (i < 20)
                    continue; // warm-up
                times.Add(elapsed);
                hits += page.Messages.Count;
            }
            times.Sort();
            results.Add((name, Percentile(times, 0.50), Percentile(times, 0.99), times[^1], (double)hits / settings.Queries));
        }

        if (!settings.JsonOnly)
        {
            output.WriteLine($"search on {(redis ? "Redis" : "SQLite")}: {settings.Messages:N0} messages in {settings.Conversations:N0} rooms ({databaseBytes / (1024.0 * 1024):F0} MiB{(redis ? " used by Redis" : "")}), " +
                $"the user in {mine.Length}, {settings.Limit} hits a page, {settings.Queries} searches per kind" +
                (built ? " (database reused)" : $" (built in {buildSeconds:F0} s)"));
            output.WriteLine($"{"text",-22} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"hits",6}");
            foreach (var r in results)
                output.WriteLine($"{r.Kind,-22} {r.P50,8:F2} {r.P99,8:F2} {r.Max,8:F2} {r.Hits,6:F1}");
        }
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("workload", "search");
            writer.WriteString("store", settings.Store);
            writer.WriteNumber("messages", settings.Messages);
            writer.WriteNumber("rooms", settings.Conversations);
            writer.WriteNumber("member_of", mine.Length);
            writer.WriteNumber("limit", settings.Limit);
            writer.WriteNumber("queries", settings.Queries);
            // SQLite: the database file and its WAL; Redis: its used_memory, everything it holds.
            writer.WriteNumber(redis ? "redis_used_mib" : "database_mib", Math.Round(databaseBytes / (1024.0 * 1024), 1));
            if (!built)
                writer.WriteNumber("build_s", Math.Round(buildSeconds, 1));
            writer.WriteStartArray("kinds");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteString("text", r.Kind);
                writer.WriteNumber("p50_ms", Math.Round(r.P50, 3));
                writer.WriteNumber("p99_ms", Math.Round(r.P99, 3));
                writer.WriteNumber("max_ms", Math.Round(r.Max, 3));
                writer.WriteNumber("hits", Math.Round(r.Hits, 1));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteNumber("p99_ms", Math.Round(results.Max(r => r.P99), 3));
            writer.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(json.WrittenSpan));
        return 0;
    }

    private static string Room(int i) => ConversationKey.ForRoom("room" + i.ToString(CultureInfo.InvariantCulture));

    private static string SqliteMarker(Settings settings) => Path.Combine(settings.Data, "messages.txt");

    /// <summary>How many messages an earlier run built into this store (a file beside the database, a key in Redis); null when none.</summary>
    private static async Task<string?> BuiltAsync(IChatStore store, Settings settings) => store switch
    {
        RedisChatStore redis => await redis.Connection.GetDatabase().StringGetAsync(RedisPrefix + "bench-messages"),
        _ => File.Exists(SqliteMarker(settings)) ? await File.ReadAllTextAsync(SqliteMarker(settings)) : null,
    };

    private static async Task MarkBuiltAsync(IChatStore store, Settings settings, string count)
    {
        if (store is RedisChatStore redis)
            await redis.Connection.GetDatabase().StringSetAsync(RedisPrefix + "bench-messages", count);
        else
            await File.WriteAllTextAsync(SqliteMarker(settings), count);
    }

    /// <summary>SQLite: the database file and its WAL; Redis: the memory it uses (INFO memory's used_memory).</summary>
    private static async Task<long> SizeAsync(IChatStore store, Settings settings)
    {
        if (store is RedisChatStore)
        {
            // INFO is an admin command for StackExchange.Redis: a connection of its own that allows it.
            await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(settings.Redis + ",allowAdmin=true");
            var info = await admin.GetServers()[0].InfoAsync("memory");
            return long.Parse(info.SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
        }
        var path = Path.Combine(settings.Data, "parley.db");
        return new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);
    }

    /// <summary>Messages of 3 to 15 words (one in five a run of 4 to 20 hanzi), to random rooms, 2,000 appends in flight as a busy server has them.</summary>
    private static async Task BuildAsync(IChatStore store, Settings settings, Random random, string[] words, char[] hanzi, TextWriter output)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var pending = new List<Task>(2000);
        var text = new StringBuilder();
        for (var i = 0; i < settings.Messages; i++)
        {
            text.Clear();
            if (random.Next(5) == 0)
                text.Append(Hanzi(random, hanzi, random.Next(4, 21)));
            else
            {
                for (var w = random.Next(3, 16); w > 0; w--)
                    text.Append(words[random.Next(words.Length)]).Append(w > 1 ? " " : "");
            }
            var room = random.Next(settings.Conversations);
            var name = "room" + room.ToString(CultureInfo.InvariantCulture);
            var time = start.AddMilliseconds(i * (30.0 * 86_400_000 / settings.Messages));
            pending.Add(store.AppendAsync(new NewMessage(Guid.CreateVersion7().ToString("N"), Room(room), time, "user" + random.Next(1000), name, null, text.ToString())));
            if (pending.Count == 2000)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
            if ((i + 1) % 100_000 == 0 && !settings.JsonOnly)
                output.WriteLine($"stored {i + 1:N0} messages");
        }
        await Task.WhenAll(pending);
    }

    private static string Word(Random random)
    {
        var letters = new char[random.Next(3, 10)];
        for (var i = 0; i < letters.Length; i++)
            letters[i] = (char)('a' + random.Next(26));
        return new string(letters);
    }

    private static string Hanzi(Random random, char[] hanzi, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
            chars[i] = hanzi[random.Next(hanzi.Length)];
        return new string(chars);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
