using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Core.Storage;

namespace Parley.Server.Hosting;

/// <summary>
/// ASP.NET Core Identity's PBKDF2-HMAC-SHA512 hasher (salted, V3 format) behind the core's
/// interface, run on a <see cref="LowPriorityLane"/>. On the thread pool, a storm of 500 sign-ins
/// at the default cost put chat's p99 at 5.5 s on a one-core server (docs/benchmarks.md): the
/// hashes took the pool's threads and the core. On the lane, chat preempts them.
/// </summary>
public sealed class IdentityPasswordHasher(int iterations) : IPasswordHasher
{
    private readonly PasswordHasher<string> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));
    private readonly LowPriorityLane _lane = new("parley-hash", Environment.ProcessorCount);

    public Task<string> HashAsync(string password) => _lane.RunAsync(() => _hasher.HashPassword(user: "", password));

    public Task<PasswordCheck> VerifyAsync(string hash, string password) => _lane.RunAsync(() =>
        _hasher.VerifyHashedPassword(user: "", hash, password) switch
        {
            PasswordVerificationResult.Success => PasswordCheck.Success,
            PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.SuccessRehashNeeded,
            _ => PasswordCheck.Failed,
        });
}
