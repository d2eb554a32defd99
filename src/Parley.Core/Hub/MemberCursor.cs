using System.Buffers.Text;
using System.Text;

namespace Parley.Core.Hub;

/// <summary>
/// Where a page of members ends: the last member's place in the order (online or not, then its
/// name key). Opaque to clients (base64url), so its form may change. Paging resumes after that
/// place, not after a count, so members joining or leaving between pages do not shift the rest;
/// a member whose presence changes between pages may be listed twice or not at all.
///
/// Concurrency: immutable.
/// </summary>
internal readonly record struct MemberCursor(bool Online, string Key)
{
    // A name key is at most a few dozen characters; anything longer was not made here.
    private const int MaxKeyLength = 128;

    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes((Online ? "1" : "0") + Key));

    public static bool TryParse(string text, out MemberCursor cursor)
    {
        cursor = default;
        if (text.Length == 0 || text.Length > 2 * MaxKeyLength || !Base64Url.IsValid(text))
            return false;
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
        if (decoded.Length < 2 || decoded[0] is not ('0' or '1') || decoded.AsSpan(1).ContainsAnyInRange('\0', ' '))
            return false;
        cursor = new MemberCursor(decoded[0] == '1', decoded[1..]);
        return true;
    }

    /// <summary>Online members first, then by name.</summary>
    public static int Compare(bool onlineA, string keyA, bool onlineB, string keyB) =>
        onlineA != onlineB ? (onlineA ? -1 : 1) : Model.NaturalNameOrder.Instance.Compare(keyA, keyB);
}
