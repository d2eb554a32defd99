using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;

namespace Parley.Protocol.Json;

/// <summary>
/// A request's id, a JSON number or string, as the client wrote it (escapes and all): a reply
/// echoes it byte for byte as <c>re</c>, even one that does not decode. A copy, so it outlives the
/// parsed request: a send's reply comes after its body was released.
/// </summary>
public readonly record struct RequestId(byte[] Utf8)
{
    public static RequestId Of(JsonElement value) => new(JsonMarshal.GetRawUtf8Value(value).ToArray());

    /// <summary>The id's JSON text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Utf8);
}
