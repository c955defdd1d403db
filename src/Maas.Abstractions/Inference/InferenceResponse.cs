using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Inference;

/// <summary>
/// The canonical tensor inference response produced by a model and serialized by a frontend.
/// </summary>
/// <remarks>
/// Ownership: the response owns the buffers registered with <see cref="Own"/>, which back the
/// <see cref="Outputs"/>' data. The frontend disposes it after writing the response body.
/// </remarks>
public sealed class InferenceResponse : IDisposable
{
    private readonly OwnedResources _owned = new();

    /// <summary>Creates an empty response for the given model version.</summary>
    public InferenceResponse(string modelName, string modelVersion)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
    }

    /// <summary>The model that answered.</summary>
    public string ModelName { get; }

    /// <summary>The version that answered (always concrete, even when the client named none).</summary>
    public string ModelVersion { get; }

    /// <summary>The request id, echoed.</summary>
    public string? Id { get; set; }

    /// <summary>The output tensors, in the order requested (or the model's order).</summary>
    public List<Tensor> Outputs { get; } = [];

    /// <summary>Queue and compute time of this request in the scheduler (zero when it did not go through one).</summary>
    public InferenceTiming Timing { get; set; }

    /// <summary>Transfers ownership of <paramref name="resource"/> to this response.</summary>
    public void Own(IDisposable resource) => _owned.Add(resource);

    /// <summary>Returns every owned buffer to its pool.</summary>
    public void Dispose() => _owned.Dispose();
}
