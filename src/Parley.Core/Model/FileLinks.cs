using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Parley.Core.Model;

/// <summary>
/// Download links that need no sign-in: each names a file (or its thumbnail) and a time, signed
/// with the server's key (HMAC-SHA256), and works until that time. Whoever may read a message gets
/// links with it; an IRC client or a browser opening one needs nothing more. The time is the end
/// of the UTC day plus <see cref="Lifetime"/>, so every link made in one day is the same (one
/// broadcast serialized once, and a browser's cache) and works at least <see cref="Lifetime"/>;
/// history read later makes new ones.
/// </summary>
/// <param name="baseUrl">Where people reach the server's HTTP listener, without a trailing slash; asked each time (a port is known once listening). Null when unknown.</param>
public sealed class FileLinks(byte[] key, TimeProvider time, Func<string>? baseUrl = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>The start of every link for a client that is not a web page (IRC, the terminal): <c>http://host:port</c>; null when unknown.</summary>
    public string? BaseUrl => baseUrl?.Invoke();

    private const long SecondsPerDay = 86_400;

    /// <summary>The path of the file's bytes, ending in its name (as a browser saves it).</summary>
    public string FilePath(Attachment attachment) =>
        $"/api/files/{attachment.Id}/{Uri.EscapeDataString(attachment.Name)}{Query(attachment.Id, thumb: false)}";

    /// <summary>The path of the thumbnail (a JPEG or PNG of at most 320 pixels a side).</summary>
    public string ThumbPath(Attachment attachment) => $"/api/thumbs/{attachment.Id}{Query(attachment.Id, thumb: true)}";

    /// <summary>Whether <paramref name="signature"/> is this server's for the file (or thumbnail) until <paramref name="expires"/>, and that time is not over.</summary>
    public bool Verify(string id, bool thumb, long expires, string signature)
    {
        if (expires < time.GetUtcNow().ToUnixTimeSeconds())
            return false;
        var expected = Sign(id, thumb, expires);
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), given);
    }

    private string Query(string id, bool thumb)
    {
        var today = time.GetUtcNow().ToUnixTimeSeconds() / SecondsPerDay;
        var expires = (today + 1) * SecondsPerDay + (long)Lifetime.TotalSeconds;
        return $"?e={expires.ToString(CultureInfo.InvariantCulture)}&s={Sign(id, thumb, expires)}";
    }

    private string Sign(string id, bool thumb, long expires)
    {
        var what = Encoding.UTF8.GetBytes($"{(thumb ? 't' : 'f')}|{id}|{expires.ToString(CultureInfo.InvariantCulture)}");
        return Convert.ToBase64String(HMACSHA256.HashData(key, what)[..18]).Replace('+', '-').Replace('/', '_');
    }
}
