using System.Buffers.Text;

namespace Parley.Tests.Core;

/// <summary>
/// Tokens, invitation codes and directory cursors were made by hand as base64 without padding, with
/// '-' and '_' for '+' and '/'; they are now made by <see cref="Base64Url"/>, which must write the
/// very same text (cursors handed out before must still be read back).
/// </summary>
public sealed class Base64UrlFormatTests
{
    [Fact]
    public void Base64url_writes_what_the_hand_written_encoding_wrote()
    {
        var random = new Random(31);
        for (var length = 0; length < 70; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var before = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            Assert.Equal(before, Base64Url.EncodeToString(bytes));
            Assert.Equal(bytes, Base64Url.DecodeFromChars(before));
        }
    }
}
