using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Models;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Lifecycle;

/// <summary>
/// Loads the models of a repository, holds them, and applies changes: new versions, removed
/// versions, changed config, explicit load and unload. Readers see an immutable snapshot that is
/// swapped whole, so the request path never takes a lock. One model failing (bad config, corrupt
/// file) is recorded with its reason and never stops the others; a version that fails to load
/// leaves the version it would replace serving.
/// </summary>
/// <remarks>
/// Changes to one model are serialized (one lifecycle lock per model); different models change in
/// parallel. A swap loads the new version completely (and warms it up) before it is published,
/// then retires the old one: retirement waits for the requests routed to it (leases) before the
/// engine is released, so no request fails because of a swap.
/// </remarks>
public sealed partial class ModelManager : IDisposable
{
    private readonly string _root;
    private readonly IReadOnlyList<IModelBackend> _backends;
    private readonly ILogger _logger;
    private readonly InferenceMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly SchedulerHooks? _hooks;
    private readonly Lock _publish = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _modelLocks = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, ServedModel> _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
    private volatile bool _startupComplete;
    private volatile bool _disposed;

    /// <summary>Creates a manager for the repository at <paramref name="root"/> with the given backends.</summary>
    /// <param name="root">The repository folder.</param>
    /// <param name="backends">Backends that load model files.</param>
    /// <param name="logger">Lifecycle log.</param>
    /// <param name="metrics">Instruments to record into; null records none.</param>
    /// <param name="time">Clock of the schedulers (tests pass a fake one); default the system clock.</param>
    /// <param name="hooks">Scheduler test hooks; null in production.</param>
    public ModelManager(string root, IEnumerable<IModelBackend> backends, ILogger<ModelManager> logger, InferenceMetrics? metrics = null, TimeProvider? time = null, SchedulerHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(backends);
        _root = root;
        _backends = [.. backends];
        _logger = logger;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _hooks = hooks;
        metrics?.ObserveQueueDepth(ObserveQueueDepths);
        metrics?.ObserveSequences(ObserveSequences);
    }

    /// <summary>
    /// How long a retired version waits for the requests routed to it before its engine is
    /// released anyway (default 30 s; those requests then fail as Unavailable).
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The response cache that models with <c>response_cache</c> enabled use; null disables caching.</summary>
    public Caching.ResponseCache? ResponseCache { get; init; }

    /// <summary>The repository root.</summary>
    public string Root => _root;

    /// <summary>True once the start-up load has finished, whatever its outcome.</summary>
    public bool StartupComplete => _startupComplete;

    /// <summary>A snapshot of every model, keyed by name.</summary>
    public IReadOnlyDictionary<string, ServedModel> Models => _models;

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public ServedModel? Find(string name) => _models.GetValueOrDefault(name);

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveQueueDepths()
    {
        foreach (var model in _models.Values)
        {
            foreach (var version in model.Versions)
            {
                if (version.Scheduler is { } scheduler)
                {
                    yield return new(scheduler.QueueDepth, new("model", model.Name), new("version", version.VersionText));
                }
            }
        }
    }

    private IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveSequences()
    {
        foreach (var model in _models.Values)
        {
            foreach (var version in model.Versions)
            {
                if (version.SequenceModel is { } sequences)
                {
                    yield return new(sequences.LiveSequences, new("model", model.Name), new("version", version.VersionText));
                }
            }
        }
    }

    /// <summary>
    /// Scans the repository and loads its models (every one, or only <paramref name="only"/>),
    /// in parallel across models. Throws only when the repository itself is missing.
    /// </summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
    {
        var directories = RepositoryScanner.Scan(_root);
        if (only is not null)
        {
            directories = [.. directories.Where(d => only.Contains(d.Name))];
        }

        LifecycleLog.Scanning(_logger, _root, directories.Count);
        // Pipelines call the other models: those load first, so a pipeline finds its steps ready.
        // Pipelines then load all at once: one that calls another waits for it (loading a
        // pipeline is cheap), which a bound of one per core could turn into a 30 s stall.
        var pipelines = directories.Where(IsPipeline).ToList();
        foreach (var (phase, parallel) in new[] { (directories.Except(pipelines).ToList(), Environment.ProcessorCount), (pipelines, pipelines.Count) })
        {
            await Parallel.ForEachAsync(phase, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, parallel) }, async (directory, token) =>
            {
                await ChangeModelAsync(directory.Name, () => ReconcileAsync(directory, configOverride: null, reloadAll: false, token), token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        _startupComplete = true;
        var models = _models;
        var ready = models.Values.Count(m => m.IsFullyReady);
        LifecycleLog.RepositoryLoaded(_logger, ready, models.Count);
    }

    private static bool IsPipeline(ModelDirectory directory)
    {
        try
        {
            return directory.ConfigPath is { } path && ModelConfigReader.ReadFile(path).Pipeline is not null;
        }
        catch (Errors.MaasError)
        {
            return false; // reported when the model itself loads
        }
    }

    // One change at a time per model; different models change in parallel.
    private async Task<T> ChangeModelAsync<T>(string name, Func<Task<T>> change, CancellationToken cancellationToken)
    {
        var gate = _modelLocks.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await change().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private Task<bool> ChangeModelAsync(string name, Func<Task> change, CancellationToken cancellationToken) =>
        ChangeModelAsync(name, async () =>
        {
            await change().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Replaces (or, with null, removes) one model in the snapshot.</summary>
    private void Publish(string name, ServedModel? model)
    {
        lock (_publish)
        {
            var table = new Dictionary<string, ServedModel>(_models, StringComparer.Ordinal);
            if (model is null)
            {
                table.Remove(name);
            }
            else
            {
                table[name] = model;
            }

            _models = table;
        }
    }

    /// <summary>Unloads every model. Called once the server has drained its requests.</summary>
    public void Dispose()
    {
        _disposed = true;
        IReadOnlyDictionary<string, ServedModel> models;
        lock (_publish)
        {
            models = _models;
            _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        }

        foreach (var model in models.Values)
        {
            foreach (var version in model.Versions)
            {
                if (version.State == ModelVersionState.Ready)
                {
                    LifecycleLog.Unloading(_logger, model.Name, version.Version);
                }

                version.Dispose();
            }
        }
    }
}
