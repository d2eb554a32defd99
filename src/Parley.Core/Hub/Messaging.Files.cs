using Parley.Core.Model;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>Messages that carry files: the uploads named are the sender's, sent once, with the text as their caption.</summary>
internal sealed partial class Messaging
{
    /// <summary>
    /// Sends <paramref name="fileIds"/> (uploads of the session's account, none sent before) with
    /// <paramref name="text"/> as their caption, which may be blank, to a stored room or a user.
    /// The files are claimed for the conversation after every check of the send, just before it is
    /// stored: a send refused leaves them unsent, to be sent again.
    /// </summary>
    public async Task<Result<StoredMessage>> SendFilesAsync(Session session, string? roomName, string? toName, string text,
        IReadOnlyList<string> fileIds, long? replyTo)
    {
        if (fileIds.Count == 0 || fileIds.Count > _limits.MaxAttachments)
            return Error(ErrorCodes.BadField, $"'attachments' names 1 to {_limits.MaxAttachments} files");
        if (fileIds.Distinct(StringComparer.Ordinal).Count() != fileIds.Count)
            return Error(ErrorCodes.BadField, "'attachments' names a file twice");
        if (session.IsGuest)
            return GuestNotAllowed("send files");
        // A caption of blanks is no caption.
        if (BlankText.IsBlank(text))
            text = "";
        if (toName is not null)
            return await SendDirectAsync(session, toName, text, replyTo: replyTo, fileIds: fileIds).ConfigureAwait(false);

        var prepared = PrepareRoomMessage(session, roomName!, text, live: null, replyTo, withFiles: true);
        if (!prepared.Ok)
            return prepared.Error!;
        var (room, message) = prepared.Value;
        if (room.Transient)
            return Error(ErrorCodes.BadField, $"#{room.Name} keeps no history, so no files");
        var claimed = await ClaimFilesAsync(session, fileIds, room.Conversation).ConfigureAwait(false);
        if (!claimed.Ok)
            return claimed.Error!;
        if (room.Sequencer.TryAppend(_backplane, message with { Attachments = claimed.Value }, origin: session) is not { } stored)
            return NoSuchRoom(room.Name);
        return await stored.ConfigureAwait(false);
    }

    private async Task<Result<IReadOnlyList<Attachment>>> ClaimFilesAsync(Session session, IReadOnlyList<string> fileIds, string conversation)
    {
        if (await _store.ClaimFilesAsync(fileIds, session.UserKey!, conversation).ConfigureAwait(false) is not { } files)
            return Error(ErrorCodes.NoSuchFile, "an attachment is not an upload of yours, or was sent already");
        return files.Select(f => f.Attachment).ToList();
    }
}
