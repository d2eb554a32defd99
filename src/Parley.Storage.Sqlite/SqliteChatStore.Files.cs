using Microsoft.Data.Sqlite;
using Parley.Core.Model;
using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

/// <summary>Uploads: the <c>files</c> table (<see cref="Core.Model.StoredFile"/>).</summary>
public sealed partial class SqliteChatStore
{
    private const string FileColumns = "id, hash, thumb, name, size, type, width, height, owner, created, conv";

    public Task AddFileAsync(StoredFile file) =>
        Writer.Enqueue(w =>
        {
            var a = file.Attachment;
            Run(w,
                $"INSERT INTO files ({FileColumns}) VALUES ($id, $hash, $thumb, $name, $size, $type, $width, $height, $owner, $created, $conv)",
                ("$id", a.Id), ("$hash", file.Hash), ("$thumb", file.ThumbHash), ("$name", a.Name), ("$size", a.Size), ("$type", a.Type),
                ("$width", a.Width), ("$height", a.Height), ("$owner", file.OwnerKey), ("$created", file.Created.ToUnixTimeMilliseconds()),
                ("$conv", file.Conversation));
            return true;
        });

    public Task<StoredFile?> FindFileAsync(string id)
    {
        using var connection = OpenReader();
        using var command = Query(connection, $"SELECT {FileColumns} FROM files WHERE id = $id", ("$id", id));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ReadFile(reader) : null);
    }

    public Task<IReadOnlyList<StoredFile>?> ClaimFilesAsync(IReadOnlyList<string> ids, string ownerKey, string conversation) =>
        Writer.Enqueue<IReadOnlyList<StoredFile>?>(w =>
        {
            var find = w.Command($"SELECT {FileColumns} FROM files WHERE id = $id");
            find.Parameters.AddWithValue("$id", "");
            var files = new List<StoredFile>(ids.Count);
            foreach (var id in ids)
            {
                find.Parameters[0].Value = id;
                using var reader = find.ExecuteReader();
                if (!reader.Read() || ReadFile(reader) is not { Conversation: null } file || file.OwnerKey != ownerKey)
                    return null;
                files.Add(file);
            }
            foreach (var file in files)
                Run(w, "UPDATE files SET conv = $conv WHERE id = $id", ("$conv", conversation), ("$id", file.Id));
            return files.Select(f => f with { Conversation = conversation }).ToList();
        });

    public Task UnclaimFilesAsync(IReadOnlyList<string> ids, string conversation) =>
        Writer.Enqueue(w =>
        {
            foreach (var id in ids)
                Run(w, "UPDATE files SET conv = NULL WHERE id = $id AND conv = $conv", ("$id", id), ("$conv", conversation));
            return true;
        });

    public Task<int> ForgetUnsentFilesAsync(DateTimeOffset before) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM files WHERE conv IS NULL AND created < $before", ("$before", before.ToUnixTimeMilliseconds())));

    public Task<bool> IsBlobReferencedAsync(string hash)
    {
        using var connection = OpenReader();
        using var command = Query(connection,
            "SELECT EXISTS (SELECT 1 FROM files WHERE hash = $hash) OR EXISTS (SELECT 1 FROM files WHERE thumb = $hash)", ("$hash", hash));
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar()) != 0);
    }

    /// <summary>Forgets a recalled or removed message's files, on the writer's thread inside its transaction.</summary>
    private static void ForgetFilesOf(GroupCommitWriter w, StoredMessage message)
    {
        foreach (var attachment in message.Attachments ?? [])
            Run(w, "DELETE FROM files WHERE id = $id", ("$id", attachment.Id));
    }

    private static StoredFile ReadFile(SqliteDataReader reader) => new(
        new Attachment(
            reader.GetString(0), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7),
            HasThumb: !reader.IsDBNull(2)),
        reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(8),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)), reader.IsDBNull(10) ? null : reader.GetString(10));
}
