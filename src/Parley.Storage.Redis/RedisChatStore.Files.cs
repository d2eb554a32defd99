using System.Globalization;
using Parley.Core.Model;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Uploads: a hash per file, the unsent ones in a sorted set by time, the sent ones in a set per
/// conversation, and a count of the files naming each blob.
/// </summary>
public sealed partial class RedisChatStore
{
    /// <summary>KEYS: 1 file, 2 unsent, 3 blob refs, 4 thumb's blob refs (absent without a thumbnail). ARGV: field, value pairs; the time last.</summary>
    private const string AddFileScript = """
        redis.call('HSET', KEYS[1], unpack(ARGV, 1, #ARGV - 1))
        redis.call('ZADD', KEYS[2], ARGV[#ARGV], KEYS[1])
        redis.call('INCR', KEYS[3])
        if KEYS[4] then redis.call('INCR', KEYS[4]) end
        """;

    /// <summary>
    /// Marks files sent, all or none. KEYS: 1 unsent, 2 the conversation's files, then each file.
    /// ARGV: 1 owner, 2 conversation, then each id. Returns 1, or 0 when one is not the owner's unsent upload.
    /// </summary>
    private const string ClaimFilesScript = """
        for i = 3, #KEYS do
          local owner, conv = unpack(redis.call('HMGET', KEYS[i], 'owner', 'conv'))
          if owner ~= ARGV[1] or conv then return 0 end
        end
        for i = 3, #KEYS do
          redis.call('HSET', KEYS[i], 'conv', ARGV[2])
          redis.call('ZREM', KEYS[1], KEYS[i])
          redis.call('SADD', KEYS[2], ARGV[i])
        end
        return 1
        """;

    /// <summary>
    /// Makes files claimed for a conversation unsent again. KEYS: 1 unsent, 2 the conversation's
    /// files, then each file. ARGV: 1 conversation, then each id.
    /// </summary>
    private const string UnclaimFilesScript = """
        for i = 3, #KEYS do
          if redis.call('HGET', KEYS[i], 'conv') == ARGV[1] then
            redis.call('HDEL', KEYS[i], 'conv')
            redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[i], 'created'), KEYS[i])
            redis.call('SREM', KEYS[2], ARGV[i - 1])
          end
        end
        """;

    /// <summary>
    /// Forgets one file once (a second forget finds no file and counts nothing down). KEYS: 1 file,
    /// 2 unsent, 3 its conversation's files (any key when unsent), 4 blob refs, 5 thumb's blob refs
    /// (absent without a thumbnail). ARGV: 1 id, 2 '1' to forget it only while unsent (a file sent
    /// meanwhile stays).
    /// </summary>
    private const string ForgetFileScript = """
        if ARGV[2] == '1' and redis.call('HEXISTS', KEYS[1], 'conv') == 1 then return 0 end
        if redis.call('DEL', KEYS[1]) == 0 then return 0 end
        redis.call('ZREM', KEYS[2], KEYS[1])
        redis.call('SREM', KEYS[3], ARGV[1])
        for i = 4, #KEYS do
          if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
        end
        return 1
        """;

    public Task AddFileAsync(StoredFile file)
    {
        var a = file.Attachment;
        var values = new List<RedisValue> { "hash", file.Hash, "name", a.Name, "size", a.Size, "type", a.Type, "owner", file.OwnerKey,
            "created", file.Created.ToUnixTimeMilliseconds() };
        if (file.ThumbHash is { } thumb)
            values.AddRange(["thumb", thumb]);
        if (a.Width is { } width)
            values.AddRange(["width", width]);
        if (a.Height is { } height)
            values.AddRange(["height", height]);
        values.Add(file.Created.ToUnixTimeMilliseconds());
        RedisKey[] keys = file.ThumbHash is { } thumbHash
            ? [Keys.File(a.Id), Keys.UnsentFiles(), Keys.BlobReferences(file.Hash), Keys.BlobReferences(thumbHash)]
            : [Keys.File(a.Id), Keys.UnsentFiles(), Keys.BlobReferences(file.Hash)];
        return Script(AddFileScript, keys, [.. values]);
    }

    public Task<StoredFile?> FindFileAsync(string id) =>
        Call(async db => ToFile(id, await db.HashGetAllAsync(Keys.File(id)).ConfigureAwait(false)));

    public async Task<IReadOnlyList<StoredFile>?> ClaimFilesAsync(IReadOnlyList<string> ids, string ownerKey, string conversation)
    {
        RedisKey[] keys = [Keys.UnsentFiles(), Keys.ConversationFiles(conversation), .. ids.Select(Keys.File)];
        RedisValue[] values = [ownerKey, conversation, .. ids.Select(id => (RedisValue)id)];
        if ((long)await Script(ClaimFilesScript, keys, values).ConfigureAwait(false) == 0)
            return null;
        var files = new List<StoredFile>(ids.Count);
        foreach (var id in ids)
        {
            // A file claimed is forgotten only with its message or room: found, unless that came meanwhile.
            if (await FindFileAsync(id).ConfigureAwait(false) is not { } file)
                return null;
            files.Add(file);
        }
        return files;
    }

    public Task UnclaimFilesAsync(IReadOnlyList<string> ids, string conversation) =>
        Script(UnclaimFilesScript, [Keys.UnsentFiles(), Keys.ConversationFiles(conversation), .. ids.Select(Keys.File)],
            [conversation, .. ids.Select(id => (RedisValue)id)]);

    public Task<int> ForgetUnsentFilesAsync(DateTimeOffset before) => ForgetUnsentFilesAsync(before, ownerKey: null);

    /// <summary>The unsent uploads made before <paramref name="before"/>, only <paramref name="ownerKey"/>'s when given.</summary>
    private async Task<int> ForgetUnsentFilesAsync(DateTimeOffset before, string? ownerKey)
    {
        var fileKeys = await Call(db => db.SortedSetRangeByScoreAsync(Keys.UnsentFiles(), double.NegativeInfinity,
            before == DateTimeOffset.MaxValue ? double.PositiveInfinity : before.ToUnixTimeMilliseconds(), Exclude.Stop)).ConfigureAwait(false);
        var forgotten = 0;
        foreach (var fileKey in fileKeys)
        {
            var id = ((string)fileKey!)[Keys.File("").ToString().Length..];
            if (ownerKey is not null && (await FindFileAsync(id).ConfigureAwait(false))?.OwnerKey != ownerKey)
                continue;
            if (await ForgetFileAsync(id, onlyUnsent: true).ConfigureAwait(false))
                forgotten++;
        }
        return forgotten;
    }

    public Task<bool> IsBlobReferencedAsync(string hash) =>
        Call(async db => (long?)await db.StringGetAsync(Keys.BlobReferences(hash)).ConfigureAwait(false) > 0);

    /// <summary>Forgets the files of a recalled or removed message, or of a deleted room.</summary>
    private async Task ForgetFilesAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
            await ForgetFileAsync(id).ConfigureAwait(false);
    }

    /// <summary>Reads which blobs the file names (they never change), then forgets it and counts them down in one script.</summary>
    private async Task<bool> ForgetFileAsync(string id, bool onlyUnsent = false)
    {
        if (await FindFileAsync(id).ConfigureAwait(false) is not { } file)
            return false;
        var keys = new List<RedisKey>
        {
            Keys.File(id), Keys.UnsentFiles(), Keys.ConversationFiles(file.Conversation ?? ""), Keys.BlobReferences(file.Hash),
        };
        if (file.ThumbHash is { } thumb)
            keys.Add(Keys.BlobReferences(thumb));
        return (long)await Script(ForgetFileScript, [.. keys], [id, onlyUnsent ? "1" : ""]).ConfigureAwait(false) == 1;
    }

    private static StoredFile? ToFile(string id, HashEntry[] fields)
    {
        if (fields.Length == 0)
            return null;
        var values = fields.ToDictionary(f => (string)f.Name!, f => (string)f.Value!, StringComparer.Ordinal);
        int? Number(string name) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : null;
        var thumb = values.GetValueOrDefault("thumb");
        return new StoredFile(
            new Attachment(id, values["name"], long.Parse(values["size"], CultureInfo.InvariantCulture), values["type"], Number("width"), Number("height"),
                HasThumb: thumb is not null),
            values["hash"], thumb, values["owner"], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(values["created"], CultureInfo.InvariantCulture)),
            values.GetValueOrDefault("conv"));
    }
}
