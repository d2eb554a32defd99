namespace Parley.Core.Model;

/// <summary>Whether an account may sign in. Stored as its number: never renumber.</summary>
public enum AccountState
{
    Active = 0,

    /// <summary>Set by the operator: it cannot log in or resume until enabled again; nothing else of it changes.</summary>
    Disabled = 1,

    /// <summary>
    /// Deleted by its owner or the operator: only a tombstone is left (no password, tokens,
    /// memberships or read positions), which keeps the name from being registered again, because
    /// direct conversations are keyed by the two names and the newcomer would read the old ones.
    /// </summary>
    Deleted = 2,
}
