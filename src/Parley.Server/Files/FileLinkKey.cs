using System.Security.Cryptography;

namespace Parley.Server.Files;

/// <summary>
/// The key that signs download links (<see cref="Core.Model.FileLinks"/>), kept in the files
/// directory: links outlive a restart, and nodes sharing the directory accept each other's.
/// </summary>
public static class FileLinkKey
{
    public const string FileName = "link.key";

    private const int KeyBytes = 32;

    /// <summary>The key in <paramref name="directory"/>, made on first use; the first node to make it wins, the others read it.</summary>
    public static byte[] LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (TryRead(path) is { } key)
            return key;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $"{FileName}.{Guid.NewGuid():N}");
        File.WriteAllBytes(temp, RandomNumberGenerator.GetBytes(KeyBytes));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
        return TryRead(path) ?? throw new IOException($"{path} does not hold a {KeyBytes}-byte key");
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.Length == KeyBytes ? bytes : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
