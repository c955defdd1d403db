using Maas.Errors;
using Maas.Models;

namespace Maas.Backends.Onnx;

/// <summary>
/// Loads <c>model.onnx</c> files with ONNX Runtime (CPU execution provider). The only type in
/// the server that the rest of the code sees from this project.
/// </summary>
public sealed class OnnxBackend : IModelBackend
{
    /// <summary>The backend's name in config.json.</summary>
    public const string BackendName = "onnxruntime";

    /// <inheritdoc/>
    public string Name => BackendName;

    /// <inheritdoc/>
    public string ModelFileName => "model.onnx";

    /// <inheritdoc/>
    public IModel Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!File.Exists(context.ModelPath))
        {
            throw MaasError.NotFound($"{context.ModelPath} does not exist.");
        }

        var session = OnnxSessionFactory.Create(context.ModelPath, context.Engine);
        try
        {
            var metadata = OnnxMetadataReader.Read(session);
            return new OnnxModel(context, metadata, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
