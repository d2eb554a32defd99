using System.Runtime.CompilerServices;

namespace Parley.Core.Events;

/// <summary>
/// One event on its way to many sessions. The first session of each wire format to write it
/// encodes it; every other session of that format reuses the same bytes.
/// </summary>
public sealed class Broadcast(ChatEvent chatEvent)
{
    public const int MaxFormats = 4;

    // Inline in the object: a separate array was one more allocation per message delivered.
    private EncodedSlots _encoded;

    public ChatEvent Event { get; } = chatEvent;

    public byte[] EncodedWith(IEventEncoder encoder)
    {
        ref var slot = ref _encoded[encoder.Slot];
        var bytes = Volatile.Read(ref slot);
        if (bytes is not null)
            return bytes;
        // Two writers may race to encode; both produce equal bytes and the first one stored wins.
        var fresh = encoder.Encode(Event);
        return Interlocked.CompareExchange(ref slot, fresh, null) ?? fresh;
    }

    [InlineArray(MaxFormats)]
    private struct EncodedSlots
    {
        private byte[]? _first;
    }
}
