namespace Parley.Core.Events;

/// <summary>
/// A user changed its profile (native <c>profile</c>): told like a real name (<see cref="RealNameEvent"/>),
/// to its other sessions and those sharing a room with it. Null parts are not set.
/// </summary>
/// <param name="DisplayChanged">The display name was part of the change (the IRC real name follows it); false when only the status changed.</param>
public sealed record ProfileEvent(string User, string? Display, string? Status, bool DisplayChanged = true) : ChatEvent;

/// <summary>The user blocked (<paramref name="On"/>) or unblocked <paramref name="User"/>; told to its other sessions.</summary>
public sealed record BlockEvent(string User, bool On) : ChatEvent;

/// <summary>The user opened a direct conversation with <paramref name="With"/> before any message; told to its other sessions.</summary>
public sealed record DirectOpenedEvent(string With) : ChatEvent;
