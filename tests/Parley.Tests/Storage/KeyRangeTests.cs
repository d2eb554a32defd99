using Parley.Core.Storage;

namespace Parley.Tests.Storage;

public sealed class KeyRangeTests
{
    [Theory]
    [InlineData("al", "am")]
    [InlineData("a", "b")]
    [InlineData("\u674E", "\u674F")] // 李, 杏
    [InlineData("a\u00ff", "a\u0100")]
    public void The_end_of_a_prefix_is_the_prefix_with_its_last_character_raised(string prefix, string end) =>
        Assert.Equal(end, KeyRange.PrefixEnd(prefix));

    [Theory]
    [InlineData("")]
    [InlineData("z\uFFFF")]
    [InlineData("a\uD7FF")]
    [InlineData("a\uD83D\uDE00")]
    public void A_prefix_without_a_next_last_character_has_no_end(string prefix) =>
        Assert.Null(KeyRange.PrefixEnd(prefix));
}
