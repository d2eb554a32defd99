namespace Parley.Core.Storage;

public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

/// <summary>A salted slow hash. The host supplies a well-kept implementation; the core never hashes by hand.</summary>
public interface IPasswordHasher
{
    string Hash(string password);

    PasswordCheck Verify(string hash, string password);
}
