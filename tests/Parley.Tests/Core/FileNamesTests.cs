using Parley.Core.Model;

namespace Parley.Tests.Core;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\Report: Q4?.pdf", "Report_ Q4_.pdf")]
    [InlineData("invoice\u202Efdp.exe", "invoice_fdp.exe")]
    [InlineData("a\u200Bb\u0007c.txt", "a_b_c.txt")]
    [InlineData("  ...  ", "file.bin")]
    [InlineData(null, "file.bin")]
    [InlineData("你好 世界.png", "你好 世界.png")]
    public void A_name_keeps_what_is_safe_to_show_and_save(string? given, string expected) =>
        Assert.Equal(expected, FileNames.Clean(given, ".bin"));

    [Fact]
    public void A_long_name_keeps_its_last_characters_whole()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 250)) + ".png";
        var clean = FileNames.Clean(name, ".bin");
        Assert.Equal(FileNames.MaxChars, clean.EnumerateRunes().Count());
        Assert.EndsWith("😀.png", clean);
    }
}
