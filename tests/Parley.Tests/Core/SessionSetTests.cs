using Parley.Core.Hub;

namespace Parley.Tests.Core;

public sealed class SessionSetTests
{
    [Fact]
    public void A_snapshot_is_built_once_per_change_and_never_altered_afterwards()
    {
        var set = new SessionSet();
        var (a, b, c) = (new RecordingSession(), new RecordingSession(), new RecordingSession());
        Assert.Empty(set.Snapshot);

        set.Add([a, b]);
        var first = set.Snapshot;
        Assert.Same(first, set.Snapshot);
        Assert.Equal(2, first.Length);

        set.Add([a]);
        Assert.Same(first, set.Snapshot);

        set.Remove([a]);
        set.Add([c]);
        var second = set.Snapshot;
        Assert.Equal([b, c], second.OrderBy(s => s == b ? 0 : 1));
        Assert.Equal(2, first.Length);
        Assert.Contains(a, first);

        set.Remove([new RecordingSession()]);
        Assert.Same(second, set.Snapshot);
    }
}
