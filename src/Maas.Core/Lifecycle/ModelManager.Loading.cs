using System.Diagnostics;
using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Errors;
using Maas.Models;

namespace Maas.Core.Lifecycle;

public sealed partial class ModelManager
{
    /// <summary>
    /// Loads one version: the engine, its instances and scheduler, then the warm-up runs. Never
    /// throws for a bad model: the version comes back Unavailable with the reason.
    /// </summary>
    private async Task<ModelVersion> LoadVersionAsync(string name, long number, string path, ModelConfig config, CancellationToken cancellationToken)
    {
        var version = new ModelVersion(name, number, config, StampOfModelFile(path), ResponseCache, _metrics);
        var started = Stopwatch.GetTimestamp();
        IModel? model = null;
        ModelScheduler? scheduler = null;
        var instances = new List<IModelInstance>();
        // Any failure, even an engine bug, marks this version unavailable: one model never stops the others.
        try
        {
            var (backend, modelPath) = ChooseBackend(config, path);
            model = backend.Load(new ModelLoadContext(name, number, modelPath, EngineFor(config)) { LanguageModel = config.LanguageModel, Pipeline = config.Pipeline });
            if (model is IAsyncModel)
            {
                // A pipeline runs its requests itself; its model steps go through their own schedulers.
                version.MarkReady(model, scheduler: null);
                var loadedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LifecycleLog.VersionLoaded(_logger, name, number, backend.Name, loadedMs);
                return version;
            }

            for (var i = 0; i < config.InstanceCount; i++)
            {
                instances.Add(model.CreateInstance());
            }

            scheduler = new ModelScheduler(name, version.VersionText, model.Metadata, config, instances, version.Statistics, _metrics, _time, _hooks);
            if (config.Warmup is { } warmup)
            {
                var warming = Stopwatch.GetTimestamp();
                await WarmupRunner.RunAsync(name, model.Metadata, scheduler, warmup, cancellationToken).ConfigureAwait(false);
                var warmupMs = (long)Stopwatch.GetElapsedTime(warming).TotalMilliseconds;
                LifecycleLog.WarmedUp(_logger, name, number, warmup.Runs, warmupMs);
            }

            version.MarkReady(model, scheduler);
            var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LifecycleLog.VersionLoaded(_logger, name, number, backend.Name, elapsedMs);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (scheduler is not null)
            {
                // The scheduler owns the instances once it exists.
                await scheduler.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                foreach (var instance in instances)
                {
                    instance.Dispose();
                }
            }

            model?.Dispose();
            version.MarkUnavailable(ex.Message);
            LifecycleLog.VersionFailed(_logger, name, number, ex.Message);
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
        if (config.Pipeline is not null)
        {
            var pipelines = _backends.FirstOrDefault(b => b.Name == ModelConfigReader.PipelineBackend)
                ?? throw MaasError.Unsupported($"config.json declares a pipeline, but this server has no '{ModelConfigReader.PipelineBackend}' backend");
            return (pipelines, versionPath);
        }

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
            if (backend.ModelFileName.Length == 0)
            {
                continue;
            }

            var path = Path.Combine(versionPath, backend.ModelFileName);
            if (File.Exists(path))
            {
                return (backend, path);
            }
        }

        throw MaasError.NotFound($"no model file in {versionPath}; expected one of: {ModelFileNames()}");
    }

    private string BackendNames() => string.Join(", ", _backends.Select(b => b.Name));

    private string ModelFileNames() => string.Join(", ", _backends.Where(b => b.ModelFileName.Length > 0).Select(b => b.ModelFileName)) + " (or a 'pipeline' in config.json)";
}
