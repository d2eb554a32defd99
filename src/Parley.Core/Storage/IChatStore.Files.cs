using Parley.Core.Model;

namespace Parley.Core.Storage;

/// <summary>
/// Uploaded files: what each is and who may send it. The bytes are in an <see cref="IBlobStore"/>;
/// a blob stays while a file here names it (<see cref="IsBlobReferencedAsync"/>). A message's
/// files are forgotten with it: when it is recalled (<see cref="ChangeMessageAsync"/>) or removed
/// (<see cref="RemoveMessageAsync"/>), and with its room (<see cref="DeleteRoomAsync"/>); a message
/// edited keeps them.
/// </summary>
public partial interface IChatStore
{
    /// <summary>Keeps an upload, not sent yet.</summary>
    Task AddFileAsync(StoredFile file);

    /// <summary>The file of that id, sent or not; null when there is none (never uploaded, or released).</summary>
    Task<StoredFile?> FindFileAsync(string id);

    /// <summary>
    /// Marks the files sent in <paramref name="conversation"/>, all or none: each must be an upload
    /// of <paramref name="ownerKey"/> not sent yet. Returns them in the order asked, or null (and
    /// nothing changed) when one is not.
    /// </summary>
    Task<IReadOnlyList<StoredFile>?> ClaimFilesAsync(IReadOnlyList<string> ids, string ownerKey, string conversation);

    /// <summary>Makes files claimed for <paramref name="conversation"/> unsent again (their send was not stored); others are left as they are.</summary>
    Task UnclaimFilesAsync(IReadOnlyList<string> ids, string conversation);

    /// <summary>Forgets uploads never sent, made before <paramref name="before"/>; returns how many.</summary>
    Task<int> ForgetUnsentFilesAsync(DateTimeOffset before);

    /// <summary>Whether any file names the blob, as itself or as its thumbnail.</summary>
    Task<bool> IsBlobReferencedAsync(string hash);
}
