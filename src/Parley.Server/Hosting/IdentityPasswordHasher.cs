using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Core.Storage;

namespace Parley.Server.Hosting;

/// <summary>ASP.NET Core Identity's PBKDF2-HMAC-SHA512 hasher (salted, V3 format) behind the core's interface.</summary>
public sealed class IdentityPasswordHasher(int iterations) : IPasswordHasher
{
    private readonly PasswordHasher<string> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));

    public string Hash(string password) => _hasher.HashPassword(user: "", password);

    public PasswordCheck Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(user: "", hash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Success,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
            _ => PasswordCheck.Failed,
        };
}
