using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Inference;

/// <summary>
/// The canonical tensor inference request. Every frontend (KServe REST and gRPC, TF Serving, ...)
/// converts its wire form into this; nothing downstream knows which protocol it came from.
/// </summary>
/// <remarks>
/// Ownership: the request owns the buffers registered with <see cref="Own"/>, which back the
/// <see cref="Inputs"/>' data. Whoever creates the request disposes it once the response is
/// written; the inputs must not be read after that.
/// </remarks>
public sealed class InferenceRequest : IDisposable
{
    private readonly OwnedResources _owned = new();

    /// <summary>Creates a request for <paramref name="modelName"/>; a null version means the model's default.</summary>
    public InferenceRequest(string modelName, string? modelVersion = null)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ModelName = modelName;
        ModelVersion = modelVersion;
    }

    /// <summary>The model name from the route.</summary>
    public string ModelName { get; }

    /// <summary>The version from the route, as the client wrote it; null for the default version.</summary>
    public string? ModelVersion { get; }

    /// <summary>The client's request id, echoed in the response; may be null.</summary>
    public string? Id { get; set; }

    /// <summary>The input tensors, in the order the client sent them.</summary>
    public List<Tensor> Inputs { get; } = [];

    /// <summary>Outputs the client asked for; null or empty means all of the model's outputs.</summary>
    public List<RequestedOutput>? Outputs { get; set; }

    /// <summary>Request-level parameters: values are <see cref="bool"/>, <see cref="long"/>, <see cref="double"/> or <see cref="string"/>.</summary>
    public Dictionary<string, object>? Parameters { get; set; }

    /// <summary>Transfers ownership of <paramref name="resource"/> (usually a pooled buffer) to this request.</summary>
    public void Own(IDisposable resource) => _owned.Add(resource);

    /// <summary>Returns every owned buffer to its pool.</summary>
    public void Dispose() => _owned.Dispose();
}
