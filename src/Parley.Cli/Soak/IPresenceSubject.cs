namespace Parley.Cli.Soak;

/// <summary>A user of the run whose presence the servers should show: online while it is signed in, offline once it is not.</summary>
public interface IPresenceSubject
{
    string Name { get; }

    /// <summary>Stopwatch timestamp since it has been signed in; 0 while it is not.</summary>
    long SignedInSince { get; }

    /// <summary>Stopwatch timestamp since it has been away; 0 while it is signed in.</summary>
    long OfflineSince { get; }
}
