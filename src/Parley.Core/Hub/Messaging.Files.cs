using Parley.Core.Model;
using Parley.Core.Storage;
using static Parley.Core.Hub.ChatErrors;

namespace Parley.Core.Hub;

/// <summary>Messages that carry files: the uploads named are the sender's, sent once, with the text as their caption.</summary>
internal sealed partial class Messaging
{
    /// <summary>
    /// Sends <paramref name="fileIds"/> (uploads of the session's account, none sent before) with
    /// <paramref name="text"/> as their caption, which may be blank, to a stored room or a user.
    /// The files are claimed for the conversation first, then the send is checked and stored: a
    /// send refused, or whose append fails, gives them back unsent, to be sent again.
    /// </summary>
    public async Task<Result<StoredMessage>> SendFilesAsync(Session session, string? roomName, string? toName, string text,
        IReadOnlyList<string> fileIds, long? replyTo)
    {
        if (fileIds.Count == 0 || fileIds.Count > _limits.MaxAttachments)
            return Error(ErrorCodes.BadField, $"'attachments' names 1 to {_limits.MaxAttachments} files");
        if (fileIds.Distinct(StringComparer.Ordinal).Count() != fileIds.Count)
            return Error(ErrorCodes.BadField, "'attachments' names a file twice");
        if (fileIds.FirstOrDefault(id => !Uploads.IsFileId(id)) is { } bad)
            return Error(ErrorCodes.BadField, $"'{bad}' is not a file id (32 hex digits, as an upload's reply gives)");
        if (session.IsGuest)
            return GuestNotAllowed("send files");
        // A caption of blanks is no caption.
        if (BlankText.IsBlank(text))
            text = "";
        if (toName is not null)
            return await SendDirectAsync(session, toName, text, replyTo: replyTo, fileIds: fileIds).ConfigureAwait(false);

        if (_rooms.FindRoom(roomName!) is not { } found)
            return NoSuchRoom(roomName!);
        if (found.Transient)
            return Error(ErrorCodes.BadField, $"#{found.Name} keeps no history, so no files");
        var claimed = await ClaimFilesAsync(session, fileIds, found.Conversation).ConfigureAwait(false);
        if (!claimed.Ok)
            return claimed.Error!;
        // Checked after the claim, so that the checks and the message's time are those of its append.
        var prepared = PrepareRoomMessage(session, roomName!, text, live: null, replyTo, withFiles: true);
        if (!prepared.Ok || prepared.Value.Room != found)
        {
            await UnclaimFilesAsync(fileIds, found.Conversation).ConfigureAwait(false);
            return prepared.Ok ? NoSuchRoom(roomName!) : prepared.Error!;
        }
        var (room, message) = prepared.Value;
        if (room.Sequencer.TryAppend(_backplane, message with { Attachments = claimed.Value }, origin: session) is not { } stored)
        {
            await UnclaimFilesAsync(fileIds, room.Conversation).ConfigureAwait(false);
            return NoSuchRoom(room.Name);
        }
        return await UnclaimIfNotStoredAsync(stored, fileIds, room.Conversation).ConfigureAwait(false);
    }

    /// <summary>
    /// The stored message, or the append's failure after the files it claimed are unsent again,
    /// to be sent once more. (An append that failed but was stored after all, Redis answering too
    /// late, leaves a message whose files are unsent: forgotten a day later, as unsent uploads are.)
    /// </summary>
    private async Task<StoredMessage> UnclaimIfNotStoredAsync(Task<StoredMessage> append, IReadOnlyList<string> fileIds, string conversation)
    {
        try
        {
            return await append.ConfigureAwait(false);
        }
        catch
        {
            await UnclaimFilesAsync(fileIds, conversation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Gives claimed files back to their sender, unsent; a store that fails here leaves them claimed (and the send's own failure stands).</summary>
    private async Task UnclaimFilesAsync(IReadOnlyList<string> fileIds, string conversation)
    {
        try
        {
            await _store.UnclaimFilesAsync(fileIds, conversation).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
        }
    }

    private async Task<Result<IReadOnlyList<Attachment>>> ClaimFilesAsync(Session session, IReadOnlyList<string> fileIds, string conversation)
    {
        if (await _store.ClaimFilesAsync(fileIds, session.UserKey!, conversation).ConfigureAwait(false) is not { } files)
            return Error(ErrorCodes.NoSuchFile, "an attachment is not an upload of yours, or was sent already");
        return files.Select(f => f.Attachment).ToList();
    }
}
