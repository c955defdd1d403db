using System.Globalization;
using Maas.Core.Inference;
using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;

namespace Maas.Core.Lifecycle;

/// <summary>
/// One version of a model as the server holds it: its state, and once ready, the loaded model
/// and the scheduler that runs requests on its instances. Owns both and releases them on dispose.
/// </summary>
public sealed class ModelVersion : IDisposable
{
    private IModel? _model;
    private ModelScheduler? _scheduler;

    internal ModelVersion(string modelName, long version, ModelConfig config)
    {
        ModelName = modelName;
        Version = version;
        VersionText = version.ToString(CultureInfo.InvariantCulture);
        Config = config;
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>The version number.</summary>
    public long Version { get; }

    /// <summary>The version number as the protocols write it.</summary>
    public string VersionText { get; }

    /// <summary>The configuration this version was loaded with.</summary>
    public ModelConfig Config { get; }

    /// <summary>The current state.</summary>
    public ModelVersionState State { get; private set; } = ModelVersionState.Loading;

    /// <summary>Why the version is unavailable; null otherwise.</summary>
    public string? Reason { get; private set; }

    /// <summary>The signature; null until the version has loaded.</summary>
    public ModelMetadata? Metadata => _model?.Metadata;

    /// <summary>Cumulative statistics (Triton's statistics extension).</summary>
    public InferenceStatistics Statistics { get; } = new();

    /// <summary>The scheduler; null until the version has loaded.</summary>
    public ModelScheduler? Scheduler => _scheduler;

    /// <summary>
    /// Validates a request and runs it through the scheduler (queue, batching). The caller keeps
    /// ownership of the request until the task completes and owns the returned response.
    /// Throws <see cref="MaasError"/> for bad input, a full queue, a deadline or a bad state.
    /// </summary>
    public Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var scheduler = _scheduler;
        var metadata = _model?.Metadata;
        if (State != ModelVersionState.Ready || scheduler is null || metadata is null)
        {
            throw MaasError.Unavailable($"Model '{ModelName}' version {VersionText} is not ready ({State}{(Reason is null ? "" : ": " + Reason)}).");
        }

        var outputs = RequestValidator.Validate(ModelName, metadata, request);
        return scheduler.EnqueueAsync(request, outputs, cancellationToken);
    }

    internal void MarkReady(IModel model, ModelScheduler scheduler)
    {
        _model = model;
        _scheduler = scheduler;
        State = ModelVersionState.Ready;
        Reason = null;
    }

    internal void MarkUnavailable(string reason)
    {
        State = ModelVersionState.Unavailable;
        Reason = reason;
    }

    /// <summary>Stops the scheduler (after its running batches), releases the instances and the model.</summary>
    public void Dispose()
    {
        State = ModelVersionState.Unloading;
        Interlocked.Exchange(ref _scheduler, null)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Interlocked.Exchange(ref _model, null)?.Dispose();
        State = ModelVersionState.Unavailable;
        Reason ??= "unloaded";
    }
}
