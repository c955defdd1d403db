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
/// <remarks>
/// Requests hold a lease (<see cref="TryAcquire"/>) from routing until their answer is written.
/// Retiring a version (<see cref="RetireAsync"/>) first stops new leases, then waits for the
/// held ones, then releases the engine: a request that was routed here always finishes here, and
/// one that arrives too late is routed again to the version that replaced it.
/// </remarks>
public sealed class ModelVersion : IDisposable
{
    private IModel? _model;
    private ModelScheduler? _scheduler;
    private int _state = (int)ModelVersionState.Loading;
    private int _leases;

    private readonly Caching.ResponseCache? _cache;
    private readonly InferenceMetrics? _metrics;
    private KeyValuePair<string, object?>[]? _tags; // of a model without a scheduler; made on its first request
    private int _running; // requests in a model without a scheduler, bounded by queue.max_queue_size

    internal ModelVersion(string modelName, long version, ModelConfig config, FileStamp? stamp = null, Caching.ResponseCache? cache = null, InferenceMetrics? metrics = null)
    {
        _metrics = metrics;
        _cache = config.ResponseCache ? cache : null;
        ModelName = modelName;
        Version = version;
        VersionText = version.ToString(CultureInfo.InvariantCulture);
        Config = config;
        Stamp = stamp;
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
    public ModelVersionState State => (ModelVersionState)Volatile.Read(ref _state);

    /// <summary>Size and write time of the model file this version was loaded from (null when it failed before reading it).</summary>
    public FileStamp? Stamp { get; }

    /// <summary>Requests routed here that have not finished yet.</summary>
    public int ActiveLeases => Volatile.Read(ref _leases);

    /// <summary>Why the version is unavailable; null otherwise.</summary>
    public string? Reason { get; private set; }

    /// <summary>The signature; null until the version has loaded.</summary>
    public ModelMetadata? Metadata => _model?.Metadata;

    /// <summary>The text generator when this version is a language model; null for tensor models or until loaded.</summary>
    public Generation.ITextGenerator? Generator => _model as Generation.ITextGenerator;

    /// <summary>The sequence model (a pipeline with <c>sequence</c>); null for every other model or until loaded.</summary>
    public ISequenceModel? SequenceModel => _model as ISequenceModel;

    /// <summary>Cumulative statistics (Triton's statistics extension).</summary>
    public InferenceStatistics Statistics { get; } = new();

    /// <summary>The scheduler; null until the version has loaded, and for a model that runs its requests itself (<see cref="IAsyncModel"/>).</summary>
    public ModelScheduler? Scheduler => _scheduler;

    /// <summary>
    /// Validates a request and runs it through the scheduler (queue, batching). The caller keeps
    /// ownership of the request until the task completes and owns the returned response.
    /// Throws <see cref="MaasError"/> for bad input, a full queue, a deadline or a bad state.
    /// </summary>
    public Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        // Unloading still serves: it is the drain of requests that hold a lease.
        var scheduler = _scheduler;
        var model = _model;
        if (State is not (ModelVersionState.Ready or ModelVersionState.Unloading) || model is null || (scheduler is null && model is not IAsyncModel))
        {
            throw MaasError.Unavailable($"Model '{ModelName}' version {VersionText} is not ready ({State}{(Reason is null ? "" : ": " + Reason)}).");
        }

        var outputs = RequestValidator.Validate(ModelName, model.Metadata, request);
        if (_cache is null)
        {
            // The hot path: no closure.
            return scheduler is not null
                ? scheduler.EnqueueAsync(request, outputs, cancellationToken)
                : RunDirectAsync((IAsyncModel)model, request, outputs, cancellationToken);
        }

        Func<Task<InferenceResponse>> run = scheduler is not null
            ? () => scheduler.EnqueueAsync(request, outputs, cancellationToken)
            : () => RunDirectAsync((IAsyncModel)model, request, outputs, cancellationToken);
        return InferCachedAsync(_cache, request, outputs, run);
    }

    private async Task<InferenceResponse> InferCachedAsync(Caching.ResponseCache cache, InferenceRequest request, IReadOnlyList<string> outputs, Func<Task<InferenceResponse>> run)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var hit = false;
        var response = await cache.GetOrRunAsync(this, request, outputs, run, h => hit = h).ConfigureAwait(false);
        (hit ? Statistics.CacheHit : Statistics.CacheMiss).Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return response;
    }

    // A model without a scheduler (a pipeline): the statistics and metrics a scheduler would keep are kept here.
    private async Task<InferenceResponse> RunDirectAsync(IAsyncModel model, InferenceRequest request, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        // Its steps queue in their models' schedulers; this bounds the work (decoded images,
        // token batches) held by requests in the pipeline at once, as a queue bound does.
        if (Interlocked.Increment(ref _running) > Config.Queue.MaxQueueSize)
        {
            Interlocked.Decrement(ref _running);
            throw MaasError.ResourceExhausted($"Model '{ModelName}' version {VersionText} is running {Config.Queue.MaxQueueSize} requests, its limit (queue.max_queue_size); retry later or raise the limit.");
        }

        try
        {
            return await RunCountedAsync(model, request, outputs, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private async Task<InferenceResponse> RunCountedAsync(IAsyncModel model, InferenceRequest request, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var tags = _tags ??= [new("model", ModelName), new("version", VersionText)];
        _metrics?.InFlight.Add(1, tags);
        var outcome = "error";
        try
        {
            var response = await model.InferAsync(request, outputs, VersionText, cancellationToken).ConfigureAwait(false);
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            outcome = "success";
            Statistics.Success.Add(elapsed);
            Statistics.RecordExecution(1, 1, TimeSpan.Zero, elapsed, TimeSpan.Zero, DateTimeOffset.UtcNow);
            response.Timing = new InferenceTiming(TimeSpan.Zero, elapsed, 1);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        catch
        {
            Statistics.Fail.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            throw;
        }
        finally
        {
            if (_metrics is { } metrics)
            {
                metrics.InFlight.Add(-1, tags);
                metrics.Requests.Add(1, [tags[0], tags[1], new("outcome", outcome)]);
                metrics.Duration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }
    }

    /// <summary>
    /// Takes a lease for one request: true while the version is ready. The caller must call
    /// <see cref="Release"/> exactly once after a true answer, when the request's answer has
    /// been written (its buffers may view the engine's memory).
    /// </summary>
    public bool TryAcquire()
    {
        // Increment first, then read the state: RetireAsync writes the state first, then reads
        // the count (both fenced), so one of the two always sees the other.
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _state) == (int)ModelVersionState.Ready)
        {
            return true;
        }

        Interlocked.Decrement(ref _leases);
        return false;
    }

    /// <summary>Returns a lease taken with <see cref="TryAcquire"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _leases);

    internal void MarkReady(IModel model, ModelScheduler? scheduler)
    {
        _model = model;
        _scheduler = scheduler;
        Reason = null;
        Interlocked.Exchange(ref _state, (int)ModelVersionState.Ready);
    }

    internal void MarkUnavailable(string reason)
    {
        Reason = reason;
        Interlocked.Exchange(ref _state, (int)ModelVersionState.Unavailable);
    }

    /// <summary>
    /// Takes the version out of service: no new leases, then waits (up to <paramref name="drainTimeout"/>)
    /// for the requests that hold one, then releases the engine. Requests still holding a lease
    /// after the timeout fail as Unavailable.
    /// </summary>
    internal async Task RetireAsync(TimeSpan drainTimeout, string reason)
    {
        if (Interlocked.Exchange(ref _state, (int)ModelVersionState.Unloading) != (int)ModelVersionState.Ready)
        {
            Dispose(reason);
            return;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _leases) > 0 && waited.Elapsed < drainTimeout)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        Dispose(reason);
    }

    /// <summary>Stops the scheduler (after its running batches), releases the instances and the model.</summary>
    public void Dispose() => Dispose("unloaded");

    private void Dispose(string reason)
    {
        _cache?.Invalidate(this);
        Interlocked.Exchange(ref _state, (int)ModelVersionState.Unloading);
        Interlocked.Exchange(ref _scheduler, null)?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Interlocked.Exchange(ref _model, null)?.Dispose();
        Reason ??= reason;
        Interlocked.Exchange(ref _state, (int)ModelVersionState.Unavailable);
    }
}
