namespace Maas.Models;

/// <summary>A loaded model version: its signature, and a factory for instances that run it.</summary>
public interface IModel : IDisposable
{
    /// <summary>The signature derived from the model file.</summary>
    ModelMetadata Metadata { get; }

    /// <summary>
    /// Creates an instance that runs the model (for ONNX Runtime, a session). The first call may
    /// return the instance created while loading. The caller owns and disposes the instance.
    /// </summary>
    IModelInstance CreateInstance();
}
