namespace Parley.Server.Hosting;

/// <summary>Where the server keeps its state (<see cref="ParleyOptions.Store"/>).</summary>
public enum StoreKind
{
    /// <summary>One SQLite file in the data directory: a single node.</summary>
    Sqlite,

    /// <summary>One Redis shared by any number of nodes, which then act as one service.</summary>
    Redis,
}
