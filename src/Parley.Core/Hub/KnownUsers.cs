using System.Collections.Concurrent;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// User key → display name, for users known to exist, so that naming a user (a direct message,
/// a read mark, a guest's choice of name) rarely costs a store read. A deleted account is
/// forgotten (<see cref="Forget"/>) and not found again: its tombstone keeps its name, not its existence.
/// Filled by the directory (members loaded at start, room creators) and by accounts (register,
/// login), read by messaging and guests.
///
/// Concurrency: a concurrent dictionary and no lock; a user is only ever written with its one display name.
/// </summary>
internal sealed class KnownUsers(IChatStore store)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public void Add(string userKey, string name) => _names[userKey] = name;

    /// <summary>The account was deleted (here or on another node).</summary>
    public void Forget(string userKey) => _names.TryRemove(userKey, out _);

    /// <summary>Whether the key is known here to be an account's (a member loaded at start, or one signed in or created since).</summary>
    public bool IsKnown(string userKey) => _names.ContainsKey(userKey);

    /// <summary>The display name of the user called <paramref name="name"/> in any case, or null if there is none.</summary>
    public async Task<string?> FindNameAsync(string name)
    {
        var key = Names.Key(name);
        if (_names.TryGetValue(key, out var known))
            return known;
        var user = await store.FindUserAsync(key).ConfigureAwait(false);
        if (user is null || user.State == AccountState.Deleted)
            return null;
        _names[key] = user.Name;
        return user.Name;
    }
}
