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

    [Fact]
    public void A_layout_one_row_written_before_system_lines_still_reads_with_none_marked()
    {
        // Layout 1 as Parley wrote it: a byte 1, the count, then each message's fields and no flags.
        using var bytes = new MemoryStream();
        using (var w = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)1);
            w.Write7BitEncodedInt(2);
            foreach (var (seq, text) in new[] { (1L, "first"), (2L, "second") })
            {
                w.Write(seq);
                w.Write($"m{seq}");
                w.Write(T0.ToUnixTimeMilliseconds());
                w.Write("alice");
                w.Write(true);
                w.Write("lobby");
                w.Write(false);
                w.Write(text);
            }
        }
        var decoded = PackedMessages.Decode("r:lobby", bytes.ToArray());
        Assert.Equal([new("m1", "r:lobby", 1, T0, "alice", "lobby", null, "first"), new StoredMessage("m2", "r:lobby", 2, T0, "alice", "lobby", null, "second")], decoded);
        Assert.All(decoded, m => Assert.False(m.IsSystem));
    }

    [Fact]
    public void A_system_line_keeps_its_mark_among_plain_messages()
    {
        var messages = new List<StoredMessage>
        {
            new("m1", "r:lobby", 1, T0, "alice", "lobby", null, "hi"),
            new("m2", "r:lobby", 2, T0, "alice", "lobby", null, "alice removed bob") { IsSystem = true },
        };
        Assert.Equal([false, true], PackedMessages.Decode("r:lobby", new PackedMessages().Encode(messages).ToArray()).Select(m => m.IsSystem));
    }
}
