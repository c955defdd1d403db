namespace Maas.Optimization.Tests.Support;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "maas-opt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="fileName"/> in the folder.</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="fileName"/> and returns its path.</summary>
    public string Write(string fileName, byte[] bytes)
    {
        var path = File(fileName);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
