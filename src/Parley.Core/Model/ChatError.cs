namespace Parley.Core.Model;

/// <summary>A domain failure: a stable code for machines and a sentence for people.</summary>
public sealed record ChatError(string Code, string Message);

/// <summary>Either a value or a <see cref="ChatError"/>; the hub's answer to every request.</summary>
public readonly record struct Result<T>(T? Value, ChatError? Error)
{
    public bool Ok => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(ChatError error) => new(default, error);
}

/// <summary>Marks success for requests that carry nothing back.</summary>
public readonly record struct Done
{
    public static readonly Done Value = default;
}
