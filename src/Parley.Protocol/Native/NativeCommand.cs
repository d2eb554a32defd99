using Parley.Protocol.Json;

namespace Parley.Protocol.Native;

/// <summary>One row of the command table: whether the op needs a signed-in session, and its handler.</summary>
/// <param name="Operator">Only on the operator's connection (the admin socket, <see cref="NativeSession.IsOperator"/>), which needs no sign-in.</param>
internal sealed record NativeCommand(bool NeedsAuth, Func<NativeSession, JsonRequest, Task<Reply>> Run, bool Operator = false);
