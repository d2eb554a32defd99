using Parley.Core.Storage;

namespace Parley.Tests.Storage;

/// <summary>Sign-in tokens' last use: saved, moved on by a touch, kept over a reopen; a touch never brings back a deleted or revoked token.</summary>
public abstract partial class ChatStoreContract
{
    private static readonly TimeSpan Idle = TimeSpan.FromDays(30);

    [Fact]
    public async Task A_tokens_last_use_is_its_creation_until_touched()
    {
        await AddUser("alice");
        await _store.SaveTokenAsync("t1", "alice", T0, Idle);
        Assert.Equal(new TokenUse("alice", T0), await _store.FindTokenAsync("t1"));

        await _store.TouchTokenAsync("t1", T0.AddDays(3), Idle);
        await ReopenAsync();
        Assert.Equal(new TokenUse("alice", T0.AddDays(3)), await _store.FindTokenAsync("t1"));
        Assert.Null(await _store.FindTokenAsync("t2"));
    }

    [Fact]
    public async Task Touching_a_deleted_or_revoked_token_does_not_bring_it_back()
    {
        await AddUser("alice");
        await _store.SaveTokenAsync("gone", "alice", T0, Idle);
        await _store.SaveTokenAsync("revoked", "alice", T0, Idle);
        await _store.DeleteTokenAsync("gone");
        await _store.RevokeTokensAsync("alice");

        await _store.TouchTokenAsync("gone", T0.AddDays(1), Idle);
        await _store.TouchTokenAsync("revoked", T0.AddDays(1), Idle);
        Assert.Null(await _store.FindTokenAsync("gone"));
        Assert.Null(await _store.FindTokenAsync("revoked"));
    }
}
