namespace Parley.Storage.Sqlite;

/// <summary>
/// Keeps a database file to one store at a time: each store numbers a conversation's messages from
/// its own memory, so two processes writing one file would hand out the same <c>seq</c>. The lock is
/// a POSIX record lock on a file beside the database, held open for the store's life, so the
/// kernel releases it when the process dies however it dies; the file also holds the holder's pid,
/// which a refused process reads back to name it. (A record lock rather than flock because the
/// refused process must still open the file to read the pid, and .NET opens every file under a
/// shared flock.) Record locks belong to the process: a second store in the same process is not
/// refused.
/// </summary>
internal sealed class DatabaseLock : IDisposable
{
    private readonly FileStream _file;

    private DatabaseLock(FileStream file) => _file = file;

    /// <exception cref="DatabaseInUseException">another process holds it.</exception>
    public static DatabaseLock Acquire(string databasePath)
    {
        var path = databasePath + ".lock";
        // macOS has no record locks in .NET: there the open itself takes an exclusive flock.
        var share = OperatingSystem.IsMacOS() ? FileShare.None : FileShare.ReadWrite;
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException) when (share == FileShare.None && File.Exists(path))
        {
            throw new DatabaseInUseException(databasePath, null);
        }
        try
        {
            if (!OperatingSystem.IsMacOS())
                file.Lock(0, long.MaxValue); // every byte the file has or will have
        }
        catch (IOException)
        {
            var holder = ReadPid(file);
            file.Dispose();
            throw new DatabaseInUseException(databasePath, holder);
        }
        file.SetLength(0);
        using (var writer = new StreamWriter(file, leaveOpen: true))
            writer.Write($"{Environment.ProcessId}\n");
        file.Flush(flushToDisk: true);
        return new DatabaseLock(file);
    }

    private static int? ReadPid(FileStream file)
    {
        try
        {
            file.Position = 0;
            using var reader = new StreamReader(file, leaveOpen: true);
            return int.TryParse(reader.ReadLine(), out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // Closing the file releases the lock; the file stays, so a later store finds it and locks it again.
    public void Dispose() => _file.Dispose();
}
