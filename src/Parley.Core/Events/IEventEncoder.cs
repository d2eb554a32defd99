namespace Parley.Core.Events;

/// <summary>
/// Turns events into one wire format's bytes. Each format owns one <see cref="Slot"/> in every
/// <see cref="Broadcast"/>, so an event is encoded at most once per format however many receive it.
/// </summary>
public interface IEventEncoder
{
    /// <summary>0 ≤ Slot &lt; <see cref="Broadcast.MaxFormats"/>, distinct per format.</summary>
    int Slot { get; }

    byte[] Encode(ChatEvent chatEvent);
}
