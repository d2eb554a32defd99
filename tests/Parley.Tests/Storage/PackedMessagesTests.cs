using Parley.Core.Model;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Storage;

public sealed class PackedMessagesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Messages_come_back_as_they_were_packed_whatever_their_text()
    {
        var direct = ConversationKey.ForDirect("alice", "bob");
        var messages = new List<StoredMessage>
        {
            new("d1", direct, 7, T0, "alice", null, "bob", "grüße, 你好 👋"),
            new("d2", direct, 8, T0.AddMilliseconds(1), "bob", null, "alice", new string('x', 300)),
            new("d3", direct, 9, T0.AddDays(1), "alice", null, "bob", ""),
        };
        var packer = new PackedMessages();

        var packed = packer.Encode(messages).ToArray();
        // The same bytes again from the reused buffer, after a longer encoding grew it.
        packer.Encode(Enumerable.Repeat(messages[1], 100).ToList());
        var again = packer.Encode(messages).ToArray();

        Assert.Equal(messages, PackedMessages.Decode(direct, packed));
        Assert.Equal(packed, again);
    }

    [Fact]
    public void A_layout_this_parley_does_not_know_is_refused()
    {
        var packed = new PackedMessages().Encode([new("m1", "r:lobby", 1, T0, "alice", "lobby", null, "hi")]).ToArray();
        packed[0] = 9;

        var refused = Assert.Throws<InvalidDataException>(() => PackedMessages.Decode("r:lobby", packed));
        Assert.Contains("layout 9", refused.Message);
    }
}
