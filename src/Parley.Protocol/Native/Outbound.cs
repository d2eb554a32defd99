namespace Parley.Protocol.Native;

/// <summary>
/// One frame waiting in a session's queue. A broadcast's bytes are the same array for every
/// session of the same wire format (encoded once, see <c>Broadcast.EncodedWith</c>).
/// </summary>
public readonly record struct Outbound(byte[] Bytes);
