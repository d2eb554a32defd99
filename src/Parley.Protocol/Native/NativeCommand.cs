using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>One row of the command table: whether the op needs a signed-in session, and its handler.</summary>
internal sealed record NativeCommand(bool NeedsAuth, Func<NativeSession, JsonRequest, Task<Reply>> Run);
