using Parley.Core.Policy;

namespace Parley.Tests.Core;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("::FFFF:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    [InlineData("not an address", "not an address")]
    public void A_key_is_ipv4_for_a_mapped_address_and_the_64_bit_prefix_for_ipv6(string address, string key) =>
        Assert.Equal(key, ClientAddress.Key(address));

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("203.0.113.7", false)]
    [InlineData("::ffff:203.0.113.7", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("localhost", false)]
    public void Loopback_is_127_slash_8_and_ipv6_loopback_mapped_or_not(string address, bool loopback) =>
        Assert.Equal(loopback, ClientAddress.IsLoopback(address));
}
