namespace Maas.TestModels;

/// <summary>
/// A model repository in a fresh temporary folder, laid out as the server expects
/// (<c>&lt;model&gt;/&lt;version&gt;/model.onnx</c>, optional <c>&lt;model&gt;/config.json</c>).
/// Deleted on dispose.
/// </summary>
public sealed class TestRepository : IDisposable
{
    /// <summary>Creates an empty repository folder.</summary>
    public TestRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "maas-repo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The repository folder.</summary>
    public string Root { get; }

    /// <summary>Writes <paramref name="modelBytes"/> as <c>&lt;name&gt;/&lt;version&gt;/&lt;fileName&gt;</c>.</summary>
    public TestRepository AddModel(string name, long version, byte[] modelBytes, string fileName = "model.onnx")
    {
        var folder = Path.Combine(Root, name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, fileName), modelBytes);
        return this;
    }

    /// <summary>Writes a text file at <paramref name="relativePath"/> (e.g. a stray file to be ignored).</summary>
    public TestRepository AddFile(string relativePath, string text = "")
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return this;
    }

    /// <summary>The full path of a file or folder under the root.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Writes <c>&lt;name&gt;/config.json</c>.</summary>
    public TestRepository AddConfig(string name, string json)
    {
        Directory.CreateDirectory(Path.Combine(Root, name));
        File.WriteAllText(Path.Combine(Root, name, "config.json"), json);
        return this;
    }

    /// <summary>Creates an empty folder (e.g. a model without versions).</summary>
    public TestRepository AddFolder(string relativePath)
    {
        Directory.CreateDirectory(Path.Combine(Root, relativePath));
        return this;
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (a model being unloaded) is left for the OS temp cleaner.
        }
    }
}
