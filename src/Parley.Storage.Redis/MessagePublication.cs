using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// Asks <see cref="RedisChatStore.AppendAndPublishAsync"/> to publish the stored message on
/// <paramref name="Channel"/>, tagged with the publishing node and, optionally, the session that
/// sent it (so that node can skip its own delivery). See <see cref="PublishedMessage"/>.
/// </summary>
public sealed record MessagePublication(RedisChannel Channel, string Node, string? Session = null);
