namespace Parley.Protocol.Json;

/// <summary>A request the server cannot act on; becomes an <c>error</c> reply with <see cref="Code"/>.</summary>
public sealed class RequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
