using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class NamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("alice")]
    [InlineData("Alice_2-x")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void Accepts_valid_names(string name) => Assert.True(Names.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1alice")]
    [InlineData("-alice")]
    [InlineData("_alice")]
    [InlineData("al ice")]
    [InlineData("alice!")]
    [InlineData("#lobby")]
    [InlineData("élodie")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void Rejects_invalid_names(string? name) => Assert.False(Names.IsValid(name));

    [Fact]
    public void Keys_ignore_case()
    {
        Assert.Equal(Names.Key("Alice"), Names.Key("aLICE"));
        Assert.Equal("alice", Names.Key("Alice"));
    }

    [Fact]
    public void Direct_conversation_keys_do_not_depend_on_who_writes()
    {
        Assert.Equal(ConversationKey.ForDirect("Bob", "alice"), ConversationKey.ForDirect("alice", "bob"));
        Assert.Equal("d:alice:bob", ConversationKey.ForDirect("Bob", "alice"));
        Assert.NotEqual(ConversationKey.ForDirect("a", "bc"), ConversationKey.ForDirect("ab", "c"));
        Assert.Equal("r:lobby", ConversationKey.ForRoom("Lobby"));
        Assert.True(ConversationKey.IsDirect("d:a:b"));
        Assert.False(ConversationKey.IsDirect("r:lobby"));
    }
}
