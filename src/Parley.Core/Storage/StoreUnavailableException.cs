namespace Parley.Core.Storage;

/// <summary>
/// The store cannot be reached or did not answer in time: an I/O failure, not a bug. The request
/// may be retried once the store is back; adapters answer it with <c>unavailable</c>. The message
/// says what to check.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
