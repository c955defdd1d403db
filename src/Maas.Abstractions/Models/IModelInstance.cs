using Maas.Inference;

namespace Maas.Models;

/// <summary>One runnable copy of a model. Thread-safe: concurrent calls to <see cref="Run"/> are allowed.</summary>
public interface IModelInstance : IDisposable
{
    /// <summary>
    /// Runs a request that the caller has already validated against <see cref="IModel.Metadata"/>,
    /// producing <paramref name="outputNames"/> in that order. The request stays owned by the
    /// caller; the returned response is owned by the caller too. Cancellation stops the run
    /// as soon as the engine allows and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    InferenceResponse Run(InferenceRequest request, IReadOnlyList<string> outputNames, string modelVersion, CancellationToken cancellationToken);
}
