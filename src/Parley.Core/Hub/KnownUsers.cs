using System.Collections.Concurrent;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Core.Hub;

/// <summary>
/// User key → display name, for users known to exist, so that naming a user (a direct message,
/// a read mark, a guest's choice of name) rarely costs a store read. A deleted account's name is
/// still found (its tombstone keeps the name taken, and its direct conversations readable), and
/// marked deleted (<see cref="IsDeleted"/>), so that nothing new is sent to it.
/// Filled by the directory (members loaded at start, room creators) and by accounts (register,
/// login), read by messaging and guests.
///
/// Concurrency: a concurrent dictionary and no lock; a user is only ever written with its one display name.
/// </summary>
internal sealed class KnownUsers(IChatStore store)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deleted = new(StringComparer.Ordinal);

    public void Add(string userKey, string name) => _names[userKey] = name;

    /// <summary>The account was deleted (here or on another node).</summary>
    public void MarkDeleted(string userKey) => _deleted[userKey] = true;

    /// <summary>Whether the account is known to be deleted: call after <see cref="FindNameAsync"/>, which learns it from the store.</summary>
    public bool IsDeleted(string userKey) => _deleted.ContainsKey(userKey);

    /// <summary>Whether the key is known here to be an account's (a member loaded at start, or one signed in or created since).</summary>
    public bool IsKnown(string userKey) => _names.ContainsKey(userKey);

    /// <summary>The display name of the user called <paramref name="name"/> in any case, or null if there is none.</summary>
    public async Task<string?> FindNameAsync(string name)
    {
        var key = Names.Key(name);
        if (_names.TryGetValue(key, out var known))
            return known;
        var user = await store.FindUserAsync(key).ConfigureAwait(false);
        if (user is null)
            return null;
        if (user.State == AccountState.Deleted)
            MarkDeleted(key);
        _names[key] = user.Name;
        return user.Name;
    }
}
