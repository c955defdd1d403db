using Maas.Errors;
using Maas.Inference;
using Maas.Models;

namespace Maas.Backends.Llama;

/// <summary>
/// What the tensor path gets for a language model: every tensor inference is refused with the
/// routes that do serve it.
/// </summary>
internal sealed class UnsupportedTensorInstance(string modelName) : IModelInstance
{
    public InferenceResponse Run(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken) =>
        throw MaasError.Unsupported($"Model '{modelName}' is a language model (GGUF): tensor inference does not apply. Use POST /v1/chat/completions, POST /v1/completions or POST /v2/models/{modelName}/generate.");

    public void Dispose()
    {
    }
}
