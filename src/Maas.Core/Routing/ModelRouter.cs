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

    /// <summary>
    /// The version to run: the one named by <paramref name="version"/>, or the model's default
    /// (highest ready) version when it is null or empty. Throws NotFound or Unavailable with a
    /// message that lists what exists.
    /// </summary>
    public ModelVersion Resolve(string name, string? version)
    {
        var model = ResolveModel(name);
        var resolved = FindVersion(model, version);
        if (resolved.State != ModelVersionState.Ready)
        {
            throw MaasError.Unavailable($"Model '{name}' version {resolved.VersionText} is not available: {resolved.Reason ?? resolved.State.ToString()}.");
        }

        return resolved;
    }

    /// <summary>
    /// The version named by <paramref name="version"/> (or the default), whatever its state.
    /// Used by metadata and readiness endpoints, which report unavailable versions too.
    /// </summary>
    public static ModelVersion FindVersion(ServedModel model, string? version)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Error is not null)
        {
            throw MaasError.Unavailable($"Model '{model.Name}' is not available: {model.Error}.");
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
