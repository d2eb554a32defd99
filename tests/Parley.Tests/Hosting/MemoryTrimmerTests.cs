using Parley.Server.Hosting;

namespace Parley.Tests.Hosting;

public sealed class MemoryTrimmerTests
{
    private const long MB = 1 << 20;

    [Theory]
    [InlineData(true, 200, 40, 0, true)]    // quiet, 160 MB committed beyond the live heap
    [InlineData(false, 200, 40, 0, false)]  // busy: never collect under load
    [InlineData(true, 50, 40, 0, false)]    // quiet but little to give back
    [InlineData(true, 50, 40, 8, true)]     // fragmentation counts as free
    public void Trims_only_when_quiet_and_worth_it(bool quiet, long committedMb, long heapMb, long fragmentedMb, bool expected) =>
        Assert.Equal(expected, MemoryTrimmer.ShouldTrim(quiet, committedMb * MB, heapMb * MB, fragmentedMb * MB));
}
