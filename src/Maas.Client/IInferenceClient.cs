namespace Maas.Client;

/// <summary>
/// The KServe v2 / Open Inference Protocol operations, the same over REST
/// (<see cref="Http.KServeHttpClient"/>) and gRPC (<see cref="Grpc.KServeGrpcClient"/>). Failures
/// the server reports are thrown as <see cref="MaasClientException"/>.
/// </summary>
public interface IInferenceClient : IDisposable
{
    /// <summary>Whether the server answers at all.</summary>
    Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the server is ready to serve inference.</summary>
    Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <paramref name="model"/> (at <paramref name="version"/>, or its default) can serve;
    /// a model or version the server does not know throws (<see cref="Maas.Errors.MaasErrorCode.NotFound"/>).
    /// </summary>
    Task<bool> IsModelReadyAsync(string model, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>The server's name, version and extensions.</summary>
    Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default);

    /// <summary>The signature of <paramref name="model"/> (at <paramref name="version"/>, or its default).</summary>
    Task<ModelMetadata> GetModelMetadataAsync(string model, string? version = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one inference.</summary>
    Task<InferResult> InferAsync(InferRequest request, CancellationToken cancellationToken = default);
}
