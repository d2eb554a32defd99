using Parley.Core.Events;
using Parley.Core.Hub;

namespace Parley.Tests.Core;

/// <summary>A session that records what the hub hands it; it can play a reader whose queue is full.</summary>
internal sealed class RecordingSession : Session
{
    private readonly List<ChatEvent> _events = [];

    public bool QueueFull { get; set; }

    public string? ClosedWith { get; private set; }

    public IReadOnlyList<ChatEvent> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    public IEnumerable<T> Of<T>() where T : ChatEvent => Events.OfType<T>();

    public override bool TryDeliver(Broadcast broadcast)
    {
        if (QueueFull)
            return false;
        lock (_events)
            _events.Add(broadcast.Event);
        return true;
    }

    public override void Close(string reason) => ClosedWith ??= reason;

    /// <summary>What <see cref="ReleaseIdleMemory"/> reports giving back.</summary>
    public long IdleBytes { get; set; }

    public override long ReleaseIdleMemory() => IdleBytes;
}
