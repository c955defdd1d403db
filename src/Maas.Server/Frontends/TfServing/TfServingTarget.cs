using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Errors;
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
    public ModelVersion FindVersion(ServedModel model) =>
        ModelRouter.FindVersion(model, Label is not null ? ResolveLabel(model, Label) : Version);

    /// <summary>The ready version that runs a request to this URL.</summary>
    public ModelVersion ResolveReady(ModelRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        var version = Version;
        if (Label is not null)
        {
            version = ResolveLabel(router.ResolveModel(Model), Label);
        }

        return router.Resolve(Model, version);
    }

    /// <summary>
    /// The version number a label stands for. The one place labels are resolved: the model
    /// repository has no labels yet, so every label is unknown; when config.json gains
    /// <c>labels</c> (<c>{"stable": 1, "canary": 2}</c>), they plug in here.
    /// </summary>
    public static string ResolveLabel(ServedModel model, string label)
    {
        ArgumentNullException.ThrowIfNull(model);
        throw MaasError.NotFound($"Label '{label}' is not defined for model '{model.Name}'; labels come from config.json `labels` (e.g. {{\"stable\": 1}}), and this model defines none. Name a version instead: /v1/models/{model.Name}/versions/<n>.");
    }

    private static (string Name, string? Method) SplitMethod(string segment)
    {
        var colon = segment.LastIndexOf(':');
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }
}
