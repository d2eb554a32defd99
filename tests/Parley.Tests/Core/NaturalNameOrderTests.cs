using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class NaturalNameOrderTests
{
    [Fact]
    public void Digits_count_by_value_and_case_is_ignored()
    {
        string[] names = ["u_10", "U_2", "u_1", "u_11", "bob", "Alice", "u_02", "u_100", "u_9", "u", "u_1a", "carol"];
        var sorted = names.Order(NaturalNameOrder.Instance).ToArray();
        // u_02 and U_2 have the same value: the ordinal tie-break puts "U_2" (upper case) first, and always the same way.
        Assert.Equal(["Alice", "bob", "carol", "u", "u_1", "u_1a", "U_2", "u_02", "u_9", "u_10", "u_11", "u_100"], sorted);
    }

    [Theory]
    [InlineData("u_2", "u_10")]
    [InlineData("a9", "a10b")]
    [InlineData("x", "x0")]
    [InlineData("ALICE", "bob")]
    public void Orders_pairs(string before, string after)
    {
        Assert.True(NaturalNameOrder.Instance.Compare(before, after) < 0);
        Assert.True(NaturalNameOrder.Instance.Compare(after, before) > 0);
    }
}
