namespace Parley.Core.Model;

/// <summary>
/// A room just joined or created. Its members are not in it: each adapter asks for what it
/// shows (IRC lists them all in NAMES, the native reply a first page), and a big room's full
/// list is not built for a client that wants a page.
/// </summary>
public sealed record JoinResult(string Room, string Topic);
