using Maas.Inference;

namespace Maas.Models;

/// <summary>
/// How a model calls the other models of the repository (a pipeline's model steps): through the
/// same routing, leases and schedulers as a client's request.
/// </summary>
public interface IModelInvoker
{
    /// <summary>
    /// The signature of version <paramref name="version"/> of <paramref name="model"/>, or with
    /// null of the version that requests without a version go to. Waits up to
    /// <paramref name="wait"/> while the model is still loading; throws
    /// <see cref="Errors.MaasError"/> (NotFound, Unavailable) with the reason otherwise.
    /// </summary>
    ModelMetadata GetMetadata(string model, string? version, TimeSpan wait);

    /// <summary>
    /// The most rows one request to <paramref name="model"/> may carry (its <c>max_batch_size</c>);
    /// 0 when the model does not batch, so its first dimension is not limited by the server.
    /// </summary>
    int GetMaxBatchSize(string model, string? version);

    /// <summary>
    /// Routes <paramref name="request"/> (by its <see cref="InferenceRequest.ModelName"/> and
    /// version) and runs it. The caller keeps the request and disposes the result once it has
    /// read the outputs: that releases the response and the version's lease.
    /// </summary>
    Task<ModelCall> InferAsync(InferenceRequest request, CancellationToken cancellationToken);
}

/// <summary>The answer of an <see cref="IModelInvoker"/> call, holding the version until disposed.</summary>
public sealed class ModelCall : IDisposable
{
    private readonly IDisposable _lease;

    /// <summary>Wraps a response and the lease of the version that produced it.</summary>
    public ModelCall(InferenceResponse response, IDisposable lease)
    {
        Response = response;
        _lease = lease;
    }

    /// <summary>The called model's response.</summary>
    public InferenceResponse Response { get; }

    /// <summary>Disposes the response, then returns the lease.</summary>
    public void Dispose()
    {
        Response.Dispose();
        _lease.Dispose();
    }
}
