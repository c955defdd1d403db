using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Maas.Server.Frontends;

/// <summary>
/// Readiness and the ready-version list, decided once for every protocol (KServe REST, gRPC,
/// TF Serving) so that probes on different ports never disagree.
/// </summary>
internal static class ServerHealth
{
    /// <summary>
    /// Ready when the start-up load has finished, the server is not draining, and (with strict
    /// readiness, the default) every model loaded.
    /// </summary>
    public static bool IsServerReady(IServiceProvider services)
    {
        var manager = services.GetRequiredService<ModelManager>();
        var options = services.GetRequiredService<MaasServerOptions>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested;
        return !stopping && manager.StartupComplete && (!options.StrictReadiness || AllModelsReady(manager));
    }

    /// <summary>
    /// Whether <paramref name="model"/> (at <paramref name="version"/>, or its default) can serve.
    /// A model that exists but cannot serve is "not ready"; an unknown name throws NotFound.
    /// </summary>
    public static bool IsModelReady(ModelRouter router, string model, string? version, string? label = null)
    {
        var served = router.ResolveModel(model);
        try
        {
            return ModelRouter.FindVersion(served, version, label).State == ModelVersionState.Ready;
        }
        catch (MaasError ex) when (ex.Code == MaasErrorCode.Unavailable)
        {
            return false;
        }
    }

    /// <summary>
    /// The model, the version a metadata request names (or the default) and its signature.
    /// Throws NotFound for unknown names and Unavailable when the version has no signature.
    /// </summary>
    public static (ServedModel Model, ModelVersion Version, ModelMetadata Metadata) ResolveMetadata(ModelRouter router, string model, string? version, string? label = null)
    {
        var served = router.ResolveModel(model);
        var resolved = ModelRouter.FindVersion(served, version, label);
        var metadata = resolved.Metadata
            ?? throw MaasError.Unavailable($"Model '{served.Name}' version {resolved.VersionText} has no metadata: {resolved.Reason ?? resolved.State.ToString()}.");
        return (served, resolved, metadata);
    }

    /// <summary>The numbers of the versions of <paramref name="model"/> that serve now, ascending.</summary>
    public static List<string> ReadyVersions(ServedModel model)
    {
        var versions = new List<string>();
        foreach (var candidate in model.Versions)
        {
            if (candidate.State == ModelVersionState.Ready)
            {
                versions.Add(candidate.VersionText);
            }
        }

        return versions;
    }

    private static bool AllModelsReady(ModelManager manager)
    {
        foreach (var model in manager.Models.Values)
        {
            if (!model.IsFullyReady)
            {
                return false;
            }
        }

        return true;
    }
}
