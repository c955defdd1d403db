using Maas.Core.Lifecycle;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;

namespace Maas.Core.Routing;

/// <summary>
/// Calls repository models on behalf of another model (a pipeline's model steps) exactly as a
/// client's request would go: routed by <see cref="ModelRouter"/>, holding a lease, through the
/// version's scheduler, so concurrent pipeline requests batch in the model they share.
/// </summary>
public sealed class RouterModelInvoker : IModelInvoker
{
    private readonly ModelManager _manager;
    private readonly ModelRouter _router;
    private readonly TimeProvider _time;

    /// <summary>Invokes the models of <paramref name="manager"/> through <paramref name="router"/>.</summary>
    public RouterModelInvoker(ModelManager manager, ModelRouter router, TimeProvider? time = null)
    {
        _manager = manager;
        _router = router;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public ModelMetadata GetMetadata(string model, string? version, TimeSpan wait)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var served = _manager.Find(model);
            var chosen = version is null ? served?.DefaultVersion : served?.Versions.FirstOrDefault(v => v.VersionText == version);
            if (chosen?.Metadata is { } metadata)
            {
                return metadata;
            }

            // Worth waiting for: a version still loading, or a model the start-up scan (or a poll
            // that added both at once) has not reached yet. A model that is not in the repository
            // at all, once start-up is over, fails at once.
            var loading = served is null
                ? !_manager.StartupComplete || Directory.Exists(Path.Combine(_manager.Root, model))
                : served.Versions.Any(v => v.State == ModelVersionState.Loading);
            if (!loading || _time.GetElapsedTime(started) >= wait)
            {
                if (served is null)
                {
                    throw MaasError.NotFound($"model '{model}' is not loaded (waited {_time.GetElapsedTime(started).TotalSeconds:0} s); add it to the repository, or load it first in explicit mode");
                }

                // FindVersion throws the precise reason for a missing version or a failed model.
                var found = ModelRouter.FindVersion(served, version);
                throw MaasError.Unavailable($"model '{model}' version {found.VersionText} is not ready ({found.State}{(found.Reason is null ? "" : ": " + found.Reason)})");
            }

            Thread.Sleep(50);
        }
    }

    /// <inheritdoc/>
    public int GetMaxBatchSize(string model, string? version)
    {
        try
        {
            return ModelRouter.FindVersion(_router.ResolveModel(model), version).Scheduler?.MaxBatchSize ?? 0;
        }
        catch (MaasError)
        {
            return 0; // The call itself then fails, with the reason and the step that made it.
        }
    }

    /// <inheritdoc/>
    public async Task<ModelCall> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lease = _router.Acquire(request.ModelName, request.ModelVersion, label: null, request.Id);
        try
        {
            var response = await lease.Version.InferAsync(request, cancellationToken).ConfigureAwait(false);
            return new ModelCall(response, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }
}
