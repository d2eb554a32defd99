using Parley.Core.Storage;
using StackExchange.Redis;

namespace Parley.Storage.Redis;

/// <summary>
/// The one place that decides which Redis failures mean "Redis is not there right now" and turns
/// them into <see cref="StoreUnavailableException"/> with a message saying what to check.
/// Everything else (a script bug, a wrong type) stays what it is: a bug.
/// </summary>
internal static class RedisFailures
{
    /// <summary>Server replies that mean Redis is up but cannot serve yet (restarting, busy, or failing to persist).</summary>
    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "MISCONF", "TRYAGAIN", "READONLY"];

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => TransientServerErrors.Any(code => server.Message.StartsWith(code, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>
    /// A short message for people and logs; StackExchange.Redis's own (with its connection
    /// diagnostics) stays in <see cref="Exception.InnerException"/>.
    /// </summary>
    public static StoreUnavailableException Unavailable(string endpoint, Exception exception) => new(
        $"Redis at {endpoint} is unreachable: {Reason(exception)}. " +
        "Check that redis-server is running there, that this host can reach it, and that it is not out of memory or disk.",
        exception);

    private static string Reason(Exception exception) => exception switch
    {
        RedisTimeoutException => "no answer in time",
        RedisConnectionException connection => $"connection failed ({connection.FailureType})",
        TimeoutException => "no answer in time",
        _ => exception.Message.Split('\n')[0].TrimEnd('.'),
    };
}
