using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class BlankTextTests
{
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\r\n\v\f")]
    [InlineData("\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A")]
    [InlineData("\u2028\u2029\u202F\u205F\u3000")]
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")]
    [InlineData("\u2800\u3164\u115F\uFFA0\u00AD\uFE0F\U000E0020")] // braille blank, Hangul fillers, soft hyphen, a variation selector, a tag
    public void Only_white_space_and_zero_width_padding_is_blank(string text) =>
        Assert.True(BlankText.IsBlank(text));

    [Theory]
    [InlineData("a")]
    [InlineData(" . ")]
    [InlineData("\u3000x\u3000")]
    [InlineData("\u200B\U0001F600")]
    [InlineData("\u0001ACTION \u0001")]
    public void Anything_else_is_not_blank(string text) =>
        Assert.False(BlankText.IsBlank(text));
}
