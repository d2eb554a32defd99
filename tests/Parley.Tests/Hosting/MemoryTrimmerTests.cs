using Parley.Server.Hosting;

namespace Parley.Tests.Hosting;

public sealed class MemoryTrimmerTests
{
    private const long MB = 1 << 20;

    [Theory]
    [InlineData(true, 200, 40, true)]    // quiet, 160 MB held beyond the live heap
    [InlineData(false, 200, 40, false)]  // busy: never collect under load
    [InlineData(true, 39, 32, false)]    // quiet but little to give back
    [InlineData(true, 32, 17, true)]     // 15 MB after a storm: worth a pause
    [InlineData(true, 40, 32, true)]     // 8 MB is worth a pause on a small heap
    [InlineData(true, 1200, 1000, false)] // not on a large one: less than a quarter of it
    [InlineData(true, 1250, 1000, true)]
    [InlineData(true, 30, 40, false)]    // live has shrunk since: nothing to gain
    public void Trims_only_when_quiet_and_worth_it(bool quiet, long heldMb, long liveAtLastFullGcMb, bool expected) =>
        Assert.Equal(expected, MemoryTrimmer.ShouldTrim(quiet, heldMb * MB, liveAtLastFullGcMb * MB));

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(512 * 1024, 0, true)]
    [InlineData(2 * MB, 0, false)]       // a storm of sign-ins still going on
    [InlineData(10 * 1024, 1, false)]    // one message: someone is chatting, a pause would be a stall
    public void Quiet_means_no_message_and_little_allocated(long allocatedBytes, long messages, bool expected) =>
        Assert.Equal(expected, MemoryTrimmer.IsQuiet(allocatedBytes, messages));
}
