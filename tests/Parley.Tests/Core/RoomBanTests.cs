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
