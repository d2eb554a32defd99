using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>What is done to messages once sent: edits, recalls, reactions, and catching up with them.</summary>
public partial interface IChatStore
{
    /// <summary>The stored message of that seq, with its <see cref="StoredMessage.State"/>; null when there is none (yet).</summary>
    Task<StoredMessage?> FindMessageAsync(string conversation, long seq);

    /// <summary>
    /// Applies <paramref name="change"/> to the stored message in one step, and gives the
    /// message the conversation's next change number (<see cref="MessageState.Rev"/>) when it
    /// changed. An edit or a reaction to a recalled message changes nothing; nor does adding a
    /// reaction the user has made already, or taking back one it has not. An edit and a recall
    /// leave nothing of the old text in the store. Null when there is no such stored message.
    /// </summary>
    Task<ChangedMessage?> ChangeMessageAsync(string conversation, long seq, MessageChange change);

    /// <summary>The messages changed after change number <paramref name="afterRev"/>, as they are now, in the order of their last change.</summary>
    Task<ChangesPage> ChangesAfterAsync(string conversation, long afterRev, int limit);
}
