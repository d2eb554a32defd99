using Parley.Server.Hosting;

namespace Parley.Tests.Hosting;

public sealed class MemoryTrimmerTests
{
    private const long MB = 1 << 20;

    [Theory]
    [InlineData(true, 200, 40, true)]    // quiet, 160 MB held beyond the live heap
    [InlineData(false, 200, 40, false)]  // busy: never collect under load
    [InlineData(true, 50, 40, false)]    // quiet but little to give back
    [InlineData(true, 56, 40, true)]     // 16 MB is worth a pause
    [InlineData(true, 30, 40, false)]    // live has shrunk since: nothing to gain
    public void Trims_only_when_quiet_and_worth_it(bool quiet, long heldMb, long liveAtLastFullGcMb, bool expected) =>
        Assert.Equal(expected, MemoryTrimmer.ShouldTrim(quiet, heldMb * MB, liveAtLastFullGcMb * MB));
}
