using Maas.Core.Lifecycle;
using Maas.Core.Repository;
using Maas.Errors;

namespace Maas.Core.Routing;

/// <summary>
/// Turns a model name and an optional version, as a client wrote them, into the loaded version
/// that serves the request. The only place that decides which version answers.
/// </summary>
public sealed class ModelRouter
{
    private readonly ModelManager _manager;

    /// <summary>Routes over the models held by <paramref name="manager"/>.</summary>
    public ModelRouter(ModelManager manager)
    {
        _manager = manager;
    }

    /// <summary>
    /// The model called <paramref name="name"/>. Throws NotFound when the repository has no such
    /// model (or the server is still loading it: Unavailable).
    /// </summary>
    public ServedModel ResolveModel(string name)
    {
        var model = _manager.Find(name);
        if (model is not null)
        {
            return model;
        }

        if (!_manager.StartupComplete)
        {
            throw MaasError.Unavailable($"Model '{name}' is not available yet: the server is still loading its repository. Retry when GET /v2/health/ready answers 200.");
        }

        throw MaasError.NotFound($"Unknown model '{name}'. Model names are the folder names under the model repository.");
    }

    /// <summary>Attempts at taking a lease before giving up: each failed attempt means a swap published a newer snapshot meanwhile.</summary>
    private const int LeaseAttempts = 16;

    /// <summary>
    /// Routes one request and takes a lease on the version that runs it (dispose the lease once
    /// the answer is written): the version named by <paramref name="version"/>, else the one
    /// <paramref name="label"/> names, else for a request that names neither the traffic split of
    /// config.json (by <paramref name="routingKey"/>, the request id, when given) or the highest
    /// ready version. Throws NotFound or Unavailable with a message that lists what exists.
    /// </summary>
    public VersionLease Acquire(string name, string? version, string? label = null, string? routingKey = null)
    {
        for (var attempt = 0; attempt < LeaseAttempts; attempt++)
        {
            var model = ResolveModel(name);
            var resolved = Choose(model, version, label, routingKey);
            if (resolved.State != ModelVersionState.Ready)
            {
                throw MaasError.Unavailable($"Model '{name}' version {resolved.VersionText} is not available: {resolved.Reason ?? resolved.State.ToString()}.");
            }

            if (resolved.TryAcquire())
            {
                return new VersionLease(resolved);
            }

            // Retired between the snapshot read and the lease: the next snapshot has its replacement.
        }

        throw MaasError.Unavailable($"Model '{name}' is being swapped too quickly to route this request; retry.");
    }

    /// <summary>The version a request names (by number or label) or, naming neither, the one the traffic split or the default picks.</summary>
    private static ModelVersion Choose(ServedModel model, string? version, string? label, string? routingKey)
    {
        if (!string.IsNullOrEmpty(version) || !string.IsNullOrEmpty(label))
        {
            return FindVersion(model, version, label);
        }

        if (model.Config?.Traffic is { Count: > 0 } traffic
            && TrafficSplit.Choose(traffic, v => model.Find(v)?.State == ModelVersionState.Ready, routingKey) is { } chosen)
        {
            return model.Find(chosen)!;
        }

        return FindVersion(model, null);
    }

    /// <summary>
    /// The version called <paramref name="label"/> in config.json's <c>labels</c>, as a version
    /// number. Throws NotFound, naming the labels that exist, for an unknown label.
    /// </summary>
    public static string ResolveLabel(ServedModel model, string label)
    {
        ArgumentNullException.ThrowIfNull(model);
        var labels = model.Config?.Labels;
        if (labels is not null && labels.TryGetValue(label, out var number))
        {
            return number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var known = labels is { Count: > 0 } ? "its labels are " + string.Join(", ", labels.Select(l => $"'{l.Key}' (version {l.Value})")) : "it defines none (config.json \"labels\": {\"stable\": 1})";
        throw MaasError.NotFound($"Model '{model.Name}' has no label '{label}'; {known}.");
    }

    /// <summary>
    /// The version named by <paramref name="version"/> (or the default), whatever its state.
    /// Used by metadata and readiness endpoints, which report unavailable versions too.
    /// </summary>
    public static ModelVersion FindVersion(ServedModel model, string? version, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Error is not null)
        {
            throw MaasError.Unavailable($"Model '{model.Name}' is not available: {model.Error}.");
        }

        if (string.IsNullOrEmpty(version) && !string.IsNullOrEmpty(label))
        {
            var labelled = ResolveLabel(model, label);
            try
            {
                return FindVersion(model, labelled);
            }
            catch (MaasError ex) when (ex.Code == MaasErrorCode.NotFound)
            {
                throw MaasError.Unavailable($"Label '{label}' of model '{model.Name}' names version {labelled}, which the server does not hold: {DescribeVersions(model)}. Check the version_policy and the version folders, or move the label.");
            }
        }

        if (string.IsNullOrEmpty(version))
        {
            return model.DefaultVersion
                ?? throw MaasError.Unavailable($"Model '{model.Name}' has no ready version: {DescribeVersions(model)}.");
        }

        if (!RepositoryScanner.TryParseVersion(version, out var number))
        {
            throw MaasError.NotFound($"Model '{model.Name}' has no version '{version}': versions are positive integers ({DescribeVersions(model)}).");
        }

        foreach (var candidate in model.Versions)
        {
            if (candidate.Version == number)
            {
                return candidate;
            }
        }

        foreach (var rejected in model.Rejected)
        {
            if (rejected.Version == number)
            {
                throw MaasError.Unavailable($"Model '{model.Name}' version {version} failed to load ({rejected.Reason}); it serves {DescribeVersions(model)}.");
            }
        }

        throw MaasError.NotFound($"Model '{model.Name}' has no version {version}; it has {DescribeVersions(model)}.");
    }

    private static string DescribeVersions(ServedModel model)
    {
        if (model.Versions.Count == 0)
        {
            return "no versions";
        }

        var parts = new string[model.Versions.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var v = model.Versions[i];
            parts[i] = v.State == ModelVersionState.Ready ? $"version {v.VersionText} (ready)" : $"version {v.VersionText} ({v.State}: {v.Reason})";
        }

        return string.Join(", ", parts);
    }
}
