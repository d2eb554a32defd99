namespace Parley.Core.Cluster;

/// <summary>A user's profile changed (its parts after the change; null when not set): every node tells its sessions and updates the real name it shows.</summary>
/// <param name="DisplayChanged">As <see cref="Events.ProfileEvent.DisplayChanged"/>.</param>
public sealed record ProfileChanged(string User, string? Display, string? Status, bool DisplayChanged = true) : ClusterEvent;

/// <summary><paramref name="User"/> blocked (<paramref name="On"/>) or unblocked <paramref name="Target"/>: the user's sessions on every node hear of it.</summary>
public sealed record BlockChanged(string User, string Target, bool On) : ClusterEvent;

/// <summary><paramref name="User"/> opened a direct conversation with <paramref name="With"/>: the user's sessions on every node hear of it.</summary>
public sealed record DirectOpened(string User, string With) : ClusterEvent;
