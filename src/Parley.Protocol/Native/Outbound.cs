using Parley.Core.Events;

namespace Parley.Protocol.Native;

/// <summary>One frame waiting in a session's queue: a shared broadcast, or bytes of this session's own (a reply).</summary>
public readonly record struct Outbound(Broadcast? Broadcast, byte[]? Bytes);
