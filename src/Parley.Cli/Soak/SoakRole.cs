namespace Parley.Cli.Soak;

/// <summary>How a native client behaves besides chatting at the paced rate.</summary>
public enum SoakRole
{
    /// <summary>Chats, reads promptly, stays connected (but for server faults).</summary>
    Chatter,

    /// <summary>Chats, and reads its connection slowly.</summary>
    SlowReader,

    /// <summary>Chats, and drops its connection at random (cleanly, by reset, or in the middle of a frame), then resumes and catches up.</summary>
    Reconnector,

    /// <summary>Chats, and now and then sends malformed or oversized frames.</summary>
    Misbehaver,

    /// <summary>Chats, and now and then floods far past the rate limit.</summary>
    Flooder,

    /// <summary>Does not chat: answers presence questions for its node.</summary>
    Monitor,

    /// <summary>Does not chat: a member of every room, reads the whole history at the end.</summary>
    Auditor,
}
