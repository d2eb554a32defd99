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
        Assert.Equal(matches, new RoomBan(mask, "op", DateTimeOffset.UnixEpoch).Matches(user));
}
