using System.Globalization;
using Parley.Core.Model;

namespace Parley.Protocol;

/// <summary>
/// Files as lines of text, for clients that show text only (IRC):
/// <c>[image 1280×720, 214 KB] photo.jpg https://chat.example.org/api/files/…</c>.
/// </summary>
public sealed class AttachmentText(FileLinks links)
{
    public string Line(Attachment attachment) => $"[{Describe(attachment)}] {attachment.Name} {links.BaseUrl}{links.FilePath(attachment)}";

    /// <summary><c>image 1280×720, 214 KB</c>, or <c>file, 2.1 MB</c>.</summary>
    public static string Describe(Attachment attachment) =>
        attachment.IsImage
            ? $"image {attachment.Width}×{attachment.Height}, {Size(attachment.Size)}"
            : $"file, {Size(attachment.Size)}";

    /// <summary>A size as people read it: bytes, KB or MB (of 1,024).</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes + 512) / 1024} KB",
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
