namespace Maas.Core.Lifecycle;

/// <summary>
/// A file's size and last write time: what the repository watcher compares to notice that a
/// model file was replaced, and to wait until a file being copied has stopped changing.
/// </summary>
/// <param name="Length">Size in bytes.</param>
/// <param name="LastWriteUtc">Last write time.</param>
public readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
{
    /// <summary>The stamp as text, to the tick (the record's default ToString keeps only whole seconds).</summary>
    public override string ToString() => $"{Length}@{LastWriteUtc.Ticks}";

    /// <summary>The stamp of <paramref name="path"/>, or null when it does not exist or cannot be read.</summary>
    public static FileStamp? Of(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
