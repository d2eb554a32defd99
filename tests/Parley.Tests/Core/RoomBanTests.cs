using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class RoomBanTests
{
    [Theory]
    [InlineData("eve!*@*", "eve", true)]
    [InlineData("eve!*@*", "EVE", true)]
    [InlineData("eve!*@*", "eve2", false)]
    [InlineData("e?e!x@y", "eve", true)]
    [InlineData("*!*@*", "anyone", true)]
    [InlineData("ev*", "evelyn", true)]
    [InlineData("*ve", "steve", true)]
    [InlineData("*ve", "vera", false)]
    [InlineData("a*b*c!*@*", "aXXbYYc", true)]
    [InlineData("a*b*c!*@*", "aXXbYYcd", false)]
    public void Only_the_nick_part_of_a_mask_is_matched_with_wildcards_and_any_case(string mask, string user, bool matches) =>
        Assert.Equal(matches, new RoomBan(mask, "op", DateTimeOffset.UnixEpoch).Matches(user, DateTimeOffset.UnixEpoch));

    [Fact]
    public void A_ban_with_an_end_holds_until_that_moment_and_not_from_it()
    {
        var end = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var ban = new RoomBan("eve", "op", end.AddHours(-1), end);
        Assert.True(ban.Matches("eve", end.AddTicks(-1)));
        Assert.False(ban.Matches("eve", end));
    }

    [Fact]
    public void A_mute_holds_for_its_user_in_any_case_until_it_ends()
    {
        var end = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var mute = new RoomMute("Eve", "op", end.AddHours(-1), end);
        Assert.True(mute.Holds("eve", end.AddMinutes(-1)));
        Assert.False(mute.Holds("eve2", end.AddMinutes(-1)));
        Assert.False(mute.Holds("eve", end));
        Assert.True(new RoomMute("eve", "op", end).Holds("EVE", end.AddYears(10)));
    }
}

public sealed class RoomNoticesTests
{
    private static readonly DateTimeOffset End = new(2026, 12, 8, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Each_change_reads_as_what_the_member_did()
    {
        Assert.Equal("alice made the room private, let only admins change the topic",
            Parley.Core.Hub.RoomNotices.Changes("alice", [new(RoomSetting.InviteOnly, true), new(RoomSetting.Secret, true), new(RoomSetting.TopicLocked, true)]));
        Assert.Equal("alice banned bob until 2026-12-08 09:30 UTC, muted carol",
            Parley.Core.Hub.RoomNotices.Changes("alice", [new(RoomSetting.Ban, true, "bob", Until: End), new(RoomSetting.Mute, true, "carol")]));
        Assert.Equal("alice lifted the ban on bob, unmuted carol, made dave a plain member",
            Parley.Core.Hub.RoomNotices.Changes("alice", [new(RoomSetting.Ban, false, "bob"), new(RoomSetting.Mute, false, "carol"), new(RoomSetting.Role, false, "dave", RoomRole.Admin)]));
        Assert.Equal("alice removed bob: spam", Parley.Core.Hub.RoomNotices.Removed("alice", "bob", "spam"));
        Assert.Equal("alice cleared the topic", Parley.Core.Hub.RoomNotices.Topic("alice", ""));
    }

    [Fact]
    public void Handing_a_room_over_reads_as_the_roles_given()
    {
        // role owner: the new owner, the old one an admin (its owner role taken is implied).
        Assert.Equal("alice made bob the owner, became an admin", Parley.Core.Hub.RoomNotices.Changes("alice",
            [new(RoomSetting.Role, true, "bob", RoomRole.Owner), new(RoomSetting.Role, false, "alice", RoomRole.Owner), new(RoomSetting.Role, true, "alice", RoomRole.Admin)]));
        // Leaving: the heir is named, the leaver's loss is not.
        Assert.Equal("alice made carol the owner", Parley.Core.Hub.RoomNotices.Changes("alice",
            [new(RoomSetting.Role, true, "carol", RoomRole.Owner), new(RoomSetting.Role, false, "alice", RoomRole.Owner)]));
        Assert.Null(Parley.Core.Hub.RoomNotices.Changes("alice", []));
    }
}
