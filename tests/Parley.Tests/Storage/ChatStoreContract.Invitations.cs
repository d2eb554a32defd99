using Parley.Core.Storage;

namespace Parley.Tests.Storage;

/// <summary>Invitation codes: a number of uses, an expiry, each use taken once however many ask at once.</summary>
public abstract partial class ChatStoreContract
{
    [Fact]
    public async Task An_invitation_admits_as_many_registrations_as_its_uses_then_none()
    {
        await _store.SaveInvitationAsync(new Invitation("i2", Uses: 2, Expires: null, T0));
        await ReopenAsync();
        Assert.True(await _store.TryUseInvitationAsync("i2", T0));
        Assert.True(await _store.TryUseInvitationAsync("i2", T0.AddYears(5)));
        Assert.False(await _store.TryUseInvitationAsync("i2", T0));
        Assert.False(await _store.TryUseInvitationAsync("unknown", T0));
    }

    [Fact]
    public async Task An_invitation_is_refused_from_its_expiry_on_and_can_be_deleted()
    {
        await _store.SaveInvitationAsync(new Invitation("week", Uses: 5, Expires: T0.AddDays(7), T0));
        Assert.True(await _store.TryUseInvitationAsync("week", T0.AddDays(6)));
        Assert.False(await _store.TryUseInvitationAsync("week", T0.AddDays(7)));
        Assert.False(await _store.TryUseInvitationAsync("week", T0.AddDays(1)));

        await _store.SaveInvitationAsync(new Invitation("other", Uses: 1, Expires: null, T0));
        Assert.True(await _store.DeleteInvitationAsync("other"));
        Assert.False(await _store.DeleteInvitationAsync("other"));
        Assert.False(await _store.TryUseInvitationAsync("other", T0));
    }

    [Fact]
    public async Task Uses_asked_for_at_once_are_each_given_once()
    {
        await _store.SaveInvitationAsync(new Invitation("party", Uses: 3, Expires: null, T0));
        var taken = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _store.TryUseInvitationAsync("party", T0)));
        Assert.Equal(3, taken.Count(t => t));
    }
}
