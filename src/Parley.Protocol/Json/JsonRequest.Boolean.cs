using System.Text.Json;
using Parley.Core.Model;

namespace Parley.Protocol.Json;

public sealed partial class JsonRequest
{
    /// <summary>A field that is true, false, or absent (null).</summary>
    public bool? OptionalBoolean(string field)
    {
        if (!Root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new RequestException(ErrorCodes.BadField, $"'{field}' must be true or false"),
        };
    }
}
