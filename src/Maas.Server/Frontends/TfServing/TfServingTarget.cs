using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// What a TF Serving URL names: <c>/v1/models/{model}[/versions/{version}|/labels/{label}][:{method}]</c>.
/// The method sits after a colon in the last segment (<c>add:predict</c>, <c>2:predict</c>), which a
/// route template cannot split off a parameter; the routes capture the whole segment and
/// <see cref="FromRoute"/> splits it here.
/// </summary>
internal sealed record TfServingTarget(string Model, string? Version, string? Label, string? Method)
{
    /// <summary>The methods of <c>POST</c> routes.</summary>
    public const string Predict = "predict", Classify = "classify", Regress = "regress";

    /// <summary>Reads the route values; the method is split off the last one at its last colon.</summary>
    public static TfServingTarget FromRoute(HttpContext context)
    {
        var values = context.Request.RouteValues;
        var model = values["model"] as string ?? "";
        var version = values["version"] as string;
        var label = values["label"] as string;
        string? method = null;
        if (label is not null)
        {
            (label, method) = SplitMethod(label);
        }
        else if (version is not null)
        {
            (version, method) = SplitMethod(version);
        }
        else
        {
            (model, method) = SplitMethod(model);
        }

        return new TfServingTarget(model, version, label, method);
    }

    /// <summary>The URL of this target without a method, as clients write it (for messages).</summary>
    public string Path => "/v1/models/" + Model + (Label is not null ? "/labels/" + Label : Version is not null ? "/versions/" + Version : "");

    /// <summary>The model, or NotFound/Unavailable from the router.</summary>
    public ServedModel ResolveModel(ModelRouter router) => router.ResolveModel(Model);

    /// <summary>
    /// The version the URL names, whatever its state (status and metadata report unavailable
    /// versions too): the default when neither a version nor a label is given.
    /// </summary>
    public ModelVersion FindVersion(ServedModel model) => ModelRouter.FindVersion(model, Version, Label);

    /// <summary>Routes a request to this URL and leases the ready version that runs it (dispose the lease after the answer).</summary>
    public VersionLease Acquire(ModelRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        return router.Acquire(Model, Version, Label);
    }

    /// <summary>The version number a label stands for (config.json <c>labels</c>); NotFound for an unknown label.</summary>
    public static string ResolveLabel(ServedModel model, string label) => ModelRouter.ResolveLabel(model, label);

    private static (string Name, string? Method) SplitMethod(string segment)
    {
        var colon = segment.LastIndexOf(':');
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }
}
