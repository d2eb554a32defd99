namespace Parley.Core.Model;

/// <summary>
/// What a <c>typing</c> says, as IRCv3's <c>+typing</c> client tag spells it: the user is typing
/// (<see cref="Active"/>), stopped for now with text still in its input (<see cref="Paused"/>),
/// or emptied its input (<see cref="Done"/>). Sending the message also ends typing: clients drop
/// the indicator when the message arrives.
/// </summary>
public static class TypingStates
{
    public const string Active = "active";
    public const string Paused = "paused";
    public const string Done = "done";

    public static bool IsValid(string? state) => state is Active or Paused or Done;

    /// <summary>The client tag a typing signal carries (<see cref="Events.SignalEvent.ClientTags"/>).</summary>
    public static string Tag(string state) => "+typing=" + state;

    /// <summary>
    /// The <c>+typing</c> state among client tags in their wire form (<c>+a=b;+typing=active</c>),
    /// or null when there is none or its value is not one of the three.
    /// </summary>
    public static string? Of(string clientTags)
    {
        foreach (var range in clientTags.AsSpan().Split(';'))
        {
            var tag = clientTags.AsSpan(range);
            if (!tag.StartsWith("+typing="))
                continue;
            var value = tag["+typing=".Length..];
            return value switch
            {
                Active => Active,
                Paused => Paused,
                Done => Done,
                _ => null,
            };
        }
        return null;
    }
}
