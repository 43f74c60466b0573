using System.Net;
using Roster.Infrastructure.Web;

namespace Roster.Tests.Unit;

/// <summary>
/// The rate limits' partition of a client address: IPv4 as it is, IPv6 by its /64 (one host or home owns a whole /64
/// and can pick any address in it), an IPv4 address arriving IPv4-mapped on a dual-stack socket as plain IPv4.
/// </summary>
public sealed class ClientPartitionTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:a1b2:c3d4:e5f6:789%3", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void Partition_of_an_address(string address, string partition) =>
        Assert.Equal(partition, RateLimits.ClientPartition(IPAddress.Parse(address)));

    [Fact]
    public void Addresses_of_one_64_share_a_partition_and_the_next_64_has_its_own()
    {
        var host = RateLimits.ClientPartition(IPAddress.Parse("2001:db8:aa:bb:1::1"));

        Assert.Equal(host, RateLimits.ClientPartition(IPAddress.Parse("2001:db8:aa:bb:dead:beef:0:2")));
        Assert.NotEqual(host, RateLimits.ClientPartition(IPAddress.Parse("2001:db8:aa:bc:1::1")));
        Assert.NotEqual(RateLimits.ClientPartition(IPAddress.Parse("203.0.113.1")), RateLimits.ClientPartition(IPAddress.Parse("203.0.113.2")));
    }

    [Fact]
    public void No_address_is_one_shared_partition() => Assert.Equal("unknown", RateLimits.ClientPartition(null));
}
