using System.Diagnostics;
using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Errors;
using Maas.Models;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Lifecycle;

/// <summary>
/// Loads the models of a repository and holds them. Readers see an immutable snapshot that is
/// swapped whole, so the request path never takes a lock. One model failing (bad config, corrupt
/// file) is recorded with its reason and never stops the others.
/// </summary>
public sealed class ModelManager : IDisposable
{
    private readonly string _root;
    private readonly IReadOnlyList<IModelBackend> _backends;
    private readonly ILogger _logger;
    private readonly InferenceMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly SchedulerHooks? _hooks;
    private volatile IReadOnlyDictionary<string, ServedModel> _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
    private volatile bool _startupComplete;

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
    }

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

    /// <summary>The repository root.</summary>
    public string Root => _root;

    /// <summary>True once the start-up load has finished, whatever its outcome.</summary>
    public bool StartupComplete => _startupComplete;

    /// <summary>A snapshot of every model, keyed by name.</summary>
    public IReadOnlyDictionary<string, ServedModel> Models => _models;

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public ServedModel? Find(string name) => _models.GetValueOrDefault(name);

    /// <summary>
    /// Scans the repository and loads every version of every model, in parallel across models.
    /// Throws only when the repository itself is missing.
    /// </summary>
    public async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var directories = RepositoryScanner.Scan(_root);
        LifecycleLog.Scanning(_logger, _root, directories.Count);
        var loaded = new ServedModel[directories.Count];
        await Parallel.ForAsync(0, directories.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, (i, _) =>
        {
            loaded[i] = LoadModel(directories[i]);
            return ValueTask.CompletedTask;
        });

        var table = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        var ready = 0;
        foreach (var model in loaded)
        {
            table[model.Name] = model;
            ready += model.IsFullyReady ? 1 : 0;
        }

        _models = table;
        _startupComplete = true;
        LifecycleLog.RepositoryLoaded(_logger, ready, loaded.Length);
    }

    private ServedModel LoadModel(ModelDirectory directory)
    {
        ModelConfig config;
        try
        {
            config = directory.ConfigPath is null ? ModelConfig.Default : ModelConfigReader.ReadFile(directory.ConfigPath);
        }
        catch (MaasError ex)
        {
            return Failed(directory.Name, null, ex.Message);
        }

        if (directory.Versions.Count == 0)
        {
            return Failed(directory.Name, config, $"no version folders in {directory.Path}; put the model file in a numbered folder such as {Path.Combine(directory.Path, "1")}");
        }

        var versions = new ModelVersion[directory.Versions.Count];
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = LoadVersion(directory.Name, directory.Versions[i], config);
        }

        return new ServedModel(directory.Name, config, versions, null);
    }

    private ServedModel Failed(string name, ModelConfig? config, string reason)
    {
        LifecycleLog.ModelFailed(_logger, name, reason);
        return new ServedModel(name, config, [], reason);
    }

    private ModelVersion LoadVersion(string name, VersionDirectory directory, ModelConfig config)
    {
        var version = new ModelVersion(name, directory.Version, config);
        var started = Stopwatch.GetTimestamp();
        IModel? model = null;
        var instances = new List<IModelInstance>();
        // Any failure, even an engine bug, marks this version unavailable: one model never stops the others.
        try
        {
            var (backend, modelPath) = ChooseBackend(config, directory.Path);
            model = backend.Load(new ModelLoadContext(name, directory.Version, modelPath, EngineFor(config)));
            for (var i = 0; i < config.InstanceCount; i++)
            {
                instances.Add(model.CreateInstance());
            }

            var scheduler = new ModelScheduler(name, version.VersionText, model.Metadata, config, instances, version.Statistics, _metrics, _time, _hooks);
            version.MarkReady(model, scheduler);
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LifecycleLog.VersionLoaded(_logger, name, directory.Version, backend.Name, elapsedMs);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }

            model?.Dispose();
            version.MarkUnavailable(ex.Message);
            LifecycleLog.VersionFailed(_logger, name, directory.Version, ex.Message);
        }

        return version;
    }

    /// <summary>
    /// Engine options for each instance: intra-op threads left at 0 are divided between the
    /// instances (cores ÷ instance_count, at least 1), so two instances on 2 cores get 1 each.
    /// </summary>
    internal static EngineOptions EngineFor(ModelConfig config)
    {
        if (config.Engine.IntraOpThreads > 0)
        {
            return config.Engine;
        }

        return config.Engine with { IntraOpThreads = Math.Max(1, Environment.ProcessorCount / config.InstanceCount) };
    }

    private (IModelBackend Backend, string ModelPath) ChooseBackend(ModelConfig config, string versionPath)
    {
        if (config.Backend is not null)
        {
            foreach (var backend in _backends)
            {
                if (string.Equals(backend.Name, config.Backend, StringComparison.Ordinal))
                {
                    var path = Path.Combine(versionPath, backend.ModelFileName);
                    return File.Exists(path)
                        ? (backend, path)
                        : throw MaasError.NotFound($"{path} does not exist; the '{backend.Name}' backend reads {backend.ModelFileName} from each version folder");
                }
            }

            throw MaasError.InvalidArgument($"config.json names backend '{config.Backend}', which this server does not have; available: {BackendNames()}");
        }

        foreach (var backend in _backends)
        {
            var path = Path.Combine(versionPath, backend.ModelFileName);
            if (File.Exists(path))
            {
                return (backend, path);
            }
        }

        throw MaasError.NotFound($"no model file in {versionPath}; expected one of: {ModelFileNames()}");
    }

    private string BackendNames() => string.Join(", ", _backends.Select(b => b.Name));

    private string ModelFileNames() => string.Join(", ", _backends.Select(b => b.ModelFileName));

    /// <summary>Unloads every model. Called once the server has drained its requests.</summary>
    public void Dispose()
    {
        var models = _models;
        _models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
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
