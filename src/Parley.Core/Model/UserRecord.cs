namespace Parley.Core.Model;

public sealed record UserRecord(string Name, string PasswordHash, DateTimeOffset Created)
{
    public string Key => Names.Key(Name);

    public AccountState State { get; init; }
}
