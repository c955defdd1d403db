using Maas.Models;

namespace Maas.Backends.Onnx.Tests.Support;

/// <summary>
/// A model file written to a fresh temporary version folder and loaded with <see cref="OnnxBackend"/>.
/// Disposing unloads the model and deletes the folder.
/// </summary>
internal sealed class TempModel : IDisposable
{
    private readonly string _folder;

    private TempModel(string folder, string path, IModel model)
    {
        _folder = folder;
        Path = path;
        Model = model;
    }

    public string Path { get; }

    public IModel Model { get; }

    public ModelMetadata Metadata => Model.Metadata;

    public static TempModel Load(byte[] modelBytes, EngineOptions? engine = null, string name = "test")
    {
        var folder = NewFolder();
        var path = System.IO.Path.Combine(folder, "model.onnx");
        File.WriteAllBytes(path, modelBytes);
        try
        {
            var model = new OnnxBackend().Load(new ModelLoadContext(name, 1, path, engine ?? new EngineOptions()));
            return new TempModel(folder, path, model);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A fresh empty folder under the temp directory; the caller deletes it.</summary>
    public static string NewFolder()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "maas-onnx-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
