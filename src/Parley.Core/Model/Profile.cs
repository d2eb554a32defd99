namespace Parley.Core.Model;

/// <summary>
/// What a user says of itself besides its login name: a display name (any Unicode, shown instead
/// of the login name; the IRC real name) and a status text. Null when not set.
/// </summary>
/// <param name="User">The login name, as the user registered it.</param>
public sealed record Profile(string User, string? Display, string? Status);
