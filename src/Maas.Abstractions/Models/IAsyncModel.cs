using Maas.Inference;

namespace Maas.Models;

/// <summary>
/// A model that runs requests itself, asynchronously, instead of through a scheduler of engine
/// instances: a pipeline, whose steps call other models (each through its own scheduler, so they
/// batch) and whose processors run on the caller's thread. Many requests run at once.
/// </summary>
public interface IAsyncModel : IModel
{
    /// <summary>
    /// Runs a request that the caller has already validated against <see cref="IModel.Metadata"/>,
    /// producing <paramref name="outputNames"/> in that order. The caller keeps the request and
    /// owns the returned response. Throws <see cref="Errors.MaasError"/> for bad input.
    /// </summary>
    Task<InferenceResponse> InferAsync(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken);
}
