namespace Maas.Models;

/// <summary>
/// A kind of model the server can load (ONNX Runtime, llama.cpp, ...). Each native runtime sits
/// behind exactly one implementation, in its own project.
/// </summary>
public interface IModelBackend
{
    /// <summary>The backend's name as written in config.json's <c>backend</c> field, e.g. <c>onnxruntime</c>.</summary>
    string Name { get; }

    /// <summary>The file a version directory must contain for this backend, e.g. <c>model.onnx</c>.</summary>
    string ModelFileName { get; }

    /// <summary>
    /// Loads one model version. Throws <see cref="Errors.MaasError"/> with a reason when the file
    /// is missing, corrupt or unsupported. The caller owns and disposes the returned model.
    /// </summary>
    IModel Load(ModelLoadContext context);
}
