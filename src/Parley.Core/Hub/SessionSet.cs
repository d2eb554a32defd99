namespace Parley.Core.Hub;

/// <summary>
/// A set of sessions read as an immutable array. Changes go to a set and only mark the array
/// stale; the next read builds it once. A sign-in storm or a mass disconnect in a room of
/// thousands then costs O(1) per session instead of a copy of the room's array per session
/// (10,000 leaving a lobby copied 10,000 arrays of up to 80 KB), and the send path still loops
/// over a plain array with no lock.
/// </summary>
/// <remarks>Concurrency: changes and rebuilds take the set's own lock; a read of a current snapshot takes none.</remarks>
internal sealed class SessionSet
{
    private readonly HashSet<Session> _set = [];
    private readonly Lock _gate = new();
    private volatile Session[]? _snapshot = [];

    public Session[] Snapshot => _snapshot ?? Build();

    public void Add(IEnumerable<Session> added)
    {
        lock (_gate)
        {
            foreach (var session in added)
            {
                if (_set.Add(session))
                    _snapshot = null;
            }
        }
    }

    public void Remove(IEnumerable<Session> removed)
    {
        lock (_gate)
        {
            foreach (var session in removed)
            {
                if (_set.Remove(session))
                    _snapshot = null;
            }
        }
    }

    private Session[] Build()
    {
        lock (_gate)
            return _snapshot ??= [.. _set];
    }
}
