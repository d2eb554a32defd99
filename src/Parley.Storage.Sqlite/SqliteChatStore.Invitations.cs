using Parley.Core.Storage;

namespace Parley.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    public Task SaveInvitationAsync(Invitation invitation) =>
        Writer.Enqueue(w => Run(w,
            "INSERT OR REPLACE INTO invitations (code_hash, uses, expires, created) VALUES ($hash, $uses, $expires, $created)",
            ("$hash", invitation.CodeHash), ("$uses", invitation.Uses), ("$expires", invitation.Expires?.ToUnixTimeMilliseconds()),
            ("$created", invitation.Created.ToUnixTimeMilliseconds())));

    /// <summary>In the writer's transaction: no other use is between the read and the write.</summary>
    public Task<bool> TryUseInvitationAsync(string codeHash, DateTimeOffset now) =>
        Writer.Enqueue(w =>
        {
            var find = w.Command("SELECT uses, expires FROM invitations WHERE code_hash = $hash");
            find.Parameters.AddWithValue("$hash", codeHash);
            long uses;
            long? expires;
            using (var reader = find.ExecuteReader())
            {
                if (!reader.Read())
                    return false;
                uses = reader.GetInt64(0);
                expires = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            }
            var valid = uses > 0 && (expires is null || expires > now.ToUnixTimeMilliseconds());
            if (!valid || uses == 1)
                Run(w, "DELETE FROM invitations WHERE code_hash = $hash", ("$hash", codeHash));
            else
                Run(w, "UPDATE invitations SET uses = uses - 1 WHERE code_hash = $hash", ("$hash", codeHash));
            return valid;
        });

    public Task<bool> DeleteInvitationAsync(string codeHash) =>
        Writer.Enqueue(w => Run(w, "DELETE FROM invitations WHERE code_hash = $hash", ("$hash", codeHash)) == 1);
}
