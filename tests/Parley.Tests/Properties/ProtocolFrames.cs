using System.Text;
using CsCheck;
using Parley.Core.Model;

namespace Parley.Tests.Properties;

/// <summary>
/// One request frame of the native protocol for the end-to-end properties, and the answer it must
/// get: a reply to its id (<see cref="Id"/> set), or an error the server cannot correlate (the id
/// could not be read), or nothing (a blank line).
/// </summary>
public sealed record ProtocolFrame(byte[] Body, string? Id, string? ReplyType, string? Code)
{
    public bool Uncorrelated => Id is null && Code is not null;

    public override string ToString() => Encoding.UTF8.GetString(Body);

    /// <summary>A frame of one of ten kinds, valid and invalid; <paramref name="index"/> makes its id unique in its stream.</summary>
    private static ProtocolFrame Make(int kind, int index)
    {
        var id = $"\"f{index}\"";
        return kind switch
        {
            0 or 1 or 2 => Correlated($"{{\"id\":{id},\"type\":\"ping\"}}", id, "ok", null),
            3 => Correlated($"{{\"id\":{id},\"type\":\"no_such_op\"}}", id, "error", ErrorCodes.UnknownType),
            4 => Correlated($"{{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"x\",\"id\":{id}}}", id, "error", ErrorCodes.Unauthenticated),
            5 => Correlated($"{{\"id\":{id},\"type\":7}}", id, "error", ErrorCodes.BadField),
            6 => new ProtocolFrame(Encoding.UTF8.GetBytes($"{{\"id\":{id},\"type\":"), null, "error", ErrorCodes.BadJson),
            7 => new ProtocolFrame([.. Encoding.UTF8.GetBytes($"{{\"id\":{id},\"type\":\"x"), 0xFF, .. "\"}"u8], null, "error", ErrorCodes.BadUtf8),
            8 => new ProtocolFrame(Encoding.UTF8.GetBytes($"[{index}]"), null, "error", ErrorCodes.NotObject),
            _ => new ProtocolFrame(Encoding.UTF8.GetBytes($"{{\"id\":{id},\"type\":\"ping\",\"\\ud800\":1}}"), null, "error", ErrorCodes.BadJson),
        };
    }

    private static ProtocolFrame Correlated(string json, string id, string type, string? code) =>
        new(Encoding.UTF8.GetBytes(json), id.Trim('"'), type, code);

    /// <summary>Between 1 and <paramref name="max"/> frames, each with its own id.</summary>
    public static Gen<ProtocolFrame[]> Stream(int max) =>
        Gen.Int[0, 9].Array[1, max].Select(kinds => kinds.Select(Make).ToArray());
}
