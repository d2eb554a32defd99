namespace Parley.Core.Storage;

public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

/// <summary>
/// A salted slow hash. The host supplies a well-kept implementation; the core never hashes by hand.
/// Each call costs tens of milliseconds of CPU on purpose, so an implementation runs it away from
/// the threads that serve chat (the host's, on low-priority threads of its own): a storm of
/// sign-ins must not stall people chatting.
/// </summary>
public interface IPasswordHasher
{
    Task<string> HashAsync(string password);

    Task<PasswordCheck> VerifyAsync(string hash, string password);
}
