namespace Parley.Core.Model;

/// <summary>An account as the operator's listing shows it (<c>admin.users</c>).</summary>
public sealed record AccountInfo(string Name, DateTimeOffset Created, AccountState State, bool Online);
