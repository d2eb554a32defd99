namespace Parley.Client.Model;

/// <summary>
/// <see cref="User"/> is typing in <see cref="Target"/> (<see cref="State"/> <c>active</c>), or
/// stopped (<c>paused</c>, <c>done</c>). Never stored; a client shows it until a new one, the
/// user's message, or about 6 s without news. <see cref="Target"/> is the conversation as this
/// client sees it (for a DM, the other user). It may be this user's own, typing on another session.
/// </summary>
public sealed record Typing(Target Target, string User, string State) : ClientEvent
{
    public bool IsActive => State == "active";
}

/// <summary>A read receipt: <see cref="With"/> has read this user's direct conversation with it up to <see cref="Seq"/>.</summary>
public sealed record ReadReceipt(string With, long Seq) : ClientEvent;
