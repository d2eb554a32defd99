using Parley.Core.Model;

namespace Parley.Tests.Storage;

/// <summary>Uploads and the files messages carry, as every store keeps them.</summary>
public abstract partial class ChatStoreContract
{
    private static StoredFile Upload(string id, string owner, string hash, string? thumb = null, DateTimeOffset? at = null) =>
        new(new Attachment(id, id + ".png", 1234, thumb is null ? "application/pdf" : "image/png", thumb is null ? null : 640, thumb is null ? null : 480,
            HasThumb: thumb is not null), hash, thumb, owner, at ?? T0, Conversation: null);

    private static string Hash(char c) => new(c, 64);

    [Fact]
    public async Task An_upload_is_kept_until_sent_once_by_its_owner_and_its_blobs_are_named_meanwhile()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AddFileAsync(Upload("f1", "alice", Hash('a'), thumb: Hash('b')));
        await _store.AddFileAsync(Upload("f2", "alice", Hash('c')));
        await _store.AddFileAsync(Upload("f3", "bob", Hash('a')));
        await ReopenAsync();

        var found = (await _store.FindFileAsync("f1"))!;
        Assert.Equal(("f1.png", 1234L, "image/png", (int?)640, (int?)480, true), (found.Attachment.Name, found.Attachment.Size, found.Attachment.Type,
            found.Attachment.Width, found.Attachment.Height, found.Attachment.HasThumb));
        Assert.Equal((Hash('a'), Hash('b'), "alice", T0, (string?)null), (found.Hash, found.ThumbHash, found.OwnerKey, found.Created, found.Conversation));
        Assert.Null(await _store.FindFileAsync("nope"));
        Assert.True(await _store.IsBlobReferencedAsync(Hash('b')));

        // Not all the sender's: nothing is claimed.
        Assert.Null(await _store.ClaimFilesAsync(["f1", "f3"], "alice", lobby));
        Assert.Null((await _store.FindFileAsync("f1"))!.Conversation);
        Assert.Null(await _store.ClaimFilesAsync(["f1", "missing"], "alice", lobby));

        var claimed = (await _store.ClaimFilesAsync(["f2", "f1"], "alice", lobby))!;
        Assert.Equal(["f2", "f1"], claimed.Select(f => f.Id));
        Assert.All(claimed, f => Assert.Equal(lobby, f.Conversation));
        Assert.Equal(lobby, (await _store.FindFileAsync("f1"))!.Conversation);
        // Sent once: never again, by anyone.
        Assert.Null(await _store.ClaimFilesAsync(["f1"], "alice", ConversationKey.ForRoom("dev")));

        // A send not stored gives its files back (only those claimed for its conversation), to be sent again.
        await _store.UnclaimFilesAsync(["f1"], ConversationKey.ForRoom("dev"));
        Assert.Equal(lobby, (await _store.FindFileAsync("f1"))!.Conversation);
        await _store.UnclaimFilesAsync(["f1", "f2"], lobby);
        Assert.Null((await _store.FindFileAsync("f1"))!.Conversation);
        Assert.Equal(["f1"], (await _store.ClaimFilesAsync(["f1"], "alice", ConversationKey.ForRoom("dev")))!.Select(f => f.Id));
        // The unsent are forgotten (f2, and bob's f3); f1, sent again since, stays.
        Assert.Equal(2, await _store.ForgetUnsentFilesAsync(T0.AddDays(2)));
        Assert.Null(await _store.FindFileAsync("f2"));
        Assert.NotNull(await _store.FindFileAsync("f1"));
    }

    [Fact]
    public async Task Uploads_never_sent_are_forgotten_after_their_time_and_then_name_no_blob()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await _store.AddFileAsync(Upload("old", "alice", Hash('a'), thumb: Hash('b')));
        await _store.AddFileAsync(Upload("old-sent", "alice", Hash('c'), at: T0));
        await _store.AddFileAsync(Upload("new", "alice", Hash('a'), at: T0.AddHours(2)));
        await _store.ClaimFilesAsync(["old-sent"], "alice", lobby);

        Assert.Equal(1, await _store.ForgetUnsentFilesAsync(T0.AddHours(1)));

        Assert.Null(await _store.FindFileAsync("old"));
        Assert.NotNull(await _store.FindFileAsync("old-sent"));
        Assert.NotNull(await _store.FindFileAsync("new"));
        // The blob the new upload shares stays named; the old one's thumbnail does not.
        Assert.True(await _store.IsBlobReferencedAsync(Hash('a')));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('b')));
        Assert.True(await _store.IsBlobReferencedAsync(Hash('c')));
        Assert.Equal(0, await _store.ForgetUnsentFilesAsync(T0.AddHours(1)));
    }

    [Fact]
    public async Task Deleting_an_account_forgets_its_unsent_uploads_and_keeps_those_it_sent()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        await AddUser("alice");
        await _store.AddFileAsync(Upload("sent", "alice", Hash('a')));
        await _store.AddFileAsync(Upload("unsent", "alice", Hash('b')));
        await _store.AddFileAsync(Upload("bobs", "bob", Hash('c')));
        await _store.ClaimFilesAsync(["sent"], "alice", lobby);

        Assert.True(await _store.DeleteUserAsync("alice"));

        Assert.NotNull(await _store.FindFileAsync("sent"));
        Assert.Null(await _store.FindFileAsync("unsent"));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('b')));
        Assert.NotNull(await _store.FindFileAsync("bobs"));
    }

    [Fact]
    public async Task A_messages_files_are_kept_with_it_through_an_edit_and_forgotten_with_a_recall_a_removal_or_its_room()
    {
        var lobby = ConversationKey.ForRoom("lobby");
        var dev = ConversationKey.ForRoom("dev");
        await _store.TryCreateRoomAsync(new RoomRecord("dev", "", T0, ["alice"]));
        foreach (var (id, hash) in new[] { ("p1", 'a'), ("p2", 'b'), ("p3", 'c'), ("p4", 'd') })
            await _store.AddFileAsync(Upload(id, "alice", Hash(hash), thumb: id == "p1" ? Hash('e') : null));
        async Task<StoredMessage> SendAsync(string conversation, string room, string text, params string[] ids)
        {
            var files = (await _store.ClaimFilesAsync(ids, "alice", conversation))!;
            return await _store.AppendAsync(RoomMessage("alice", text, room) with { Attachments = [.. files.Select(f => f.Attachment)] });
        }
        var captioned = await SendAsync(lobby, "lobby", "holiday", "p1", "p2");
        var bare = await SendAsync(lobby, "lobby", "", "p3");
        await SendAsync(dev, "dev", "", "p4");
        await ReopenAsync();

        var history = (await _store.HistoryAsync(lobby, null, 10)).Messages;
        var first = history.Single(m => m.Seq == captioned.Seq);
        Assert.Equal(["p1", "p2"], first.Attachments!.Select(a => a.Id));
        Assert.Equal(new Attachment("p1", "p1.png", 1234, "image/png", 640, 480, true), first.Attachments![0]);
        var second = history.Single(m => m.Seq == bare.Seq);
        Assert.Equal(("", false), (second.Text, second.IsGone));
        Assert.Equal(["p3"], second.Attachments!.Select(a => a.Id));

        // Found by search with its files.
        Assert.Equal(["p1", "p2"], Assert.Single((await _store.SearchAsync([lobby], "holiday", null, 10)).Messages).Attachments!.Select(a => a.Id));
        Assert.Equal(["p1", "p2"], Assert.Single((await _store.SearchAsync([lobby], "ho", null, 10)).Messages).Attachments!.Select(a => a.Id));

        // An edit changes the caption only.
        var edited = (await _store.ChangeMessageAsync(lobby, captioned.Seq, new EditChange("holiday!", T0.AddMinutes(1))))!.Message;
        Assert.Equal(["p1", "p2"], edited.Attachments!.Select(a => a.Id));
        Assert.Equal(["p1", "p2"], (await _store.FindMessageAsync(lobby, captioned.Seq))!.Attachments!.Select(a => a.Id));

        // A recall takes the files, and their blobs are named no more.
        var recalled = (await _store.ChangeMessageAsync(lobby, captioned.Seq, new RecallChange("alice")))!.Message;
        Assert.Null(recalled.Attachments);
        Assert.True(recalled.IsGone);
        Assert.Null(await _store.FindFileAsync("p1"));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('a')));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('e')));
        Assert.Null((await _store.HistoryAsync(lobby, null, 10)).Messages.Single(m => m.Seq == captioned.Seq).Attachments);

        // A message of files alone, removed, is a tombstone with nothing to change.
        Assert.True(await _store.RemoveMessageAsync(lobby, bare.Seq));
        var removed = (await _store.FindMessageAsync(lobby, bare.Seq))!;
        Assert.True(removed.IsGone);
        Assert.Null(await _store.FindFileAsync("p3"));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('c')));
        Assert.False((await _store.ChangeMessageAsync(lobby, bare.Seq, new ReactChange("alice", "👍", true, 20)))!.Changed);

        await _store.DeleteRoomAsync("dev");
        Assert.Null(await _store.FindFileAsync("p4"));
        Assert.False(await _store.IsBlobReferencedAsync(Hash('d')));
    }
}
