using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Models;
using Maas.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// The TensorFlow Serving REST API (<c>api_rest</c>): model status, model metadata, and the
/// predict, classify and regress methods, over the same canonical request as every frontend.
/// </summary>
public static class TfServingEndpoints
{
    /// <summary>The one signature every model has: its inputs and outputs as the model declares them.</summary>
    public const string DefaultSignature = "serving_default";

    /// <summary>Maps every TF Serving REST route.</summary>
    public static IEndpointRouteBuilder MapTfServing(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        string[] prefixes = ["/v1/models/{model}", "/v1/models/{model}/versions/{version}", "/v1/models/{model}/labels/{label}"];
        foreach (var prefix in prefixes)
        {
            var model = AccessRequirement.InferOnTfServingModel;
            routes.MapGet(prefix, ModelStatusAsync).WithMetadata(model);
            routes.MapGet(prefix + "/metadata", ModelMetadataAsync).WithMetadata(model);
            // The method follows a colon in the last segment ("add:predict"); TfServingTarget splits it off.
            routes.MapPost(prefix, TfServingMethods.RunAsync).WithMetadata(model);
        }

        return routes;
    }

    private static Task ModelStatusAsync(HttpContext context)
    {
        var target = TfServingTarget.FromRoute(context);
        if (target.Method is not null)
        {
            throw MaasError.NotFound($"':{target.Method}' is called with POST, not {context.Request.Method}: POST {target.Path}:{target.Method}. GET {target.Path} answers the model's status.");
        }

        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        var model = target.ResolveModel(router);
        List<TfModelVersionStatus> statuses = [];
        if (target.Version is null && target.Label is null)
        {
            if (model.Error is not null)
            {
                throw MaasError.Unavailable($"Model '{model.Name}' is not available: {model.Error}.");
            }

            foreach (var version in model.Versions)
            {
                statuses.Add(Status(version));
            }
        }
        else
        {
            statuses.Add(Status(target.FindVersion(model)));
        }

        return context.Response.WriteAsJsonAsync(new TfModelStatusResponse(statuses), TfServingJsonContext.Default.TfModelStatusResponse, contentType: null, context.RequestAborted);
    }

    private static TfModelVersionStatus Status(ModelVersion version)
    {
        var (state, ok) = version.State switch
        {
            ModelVersionState.Loading => ("LOADING", true),
            ModelVersionState.Ready => ("AVAILABLE", true),
            ModelVersionState.Unloading => ("UNLOADING", true),
            _ => ("END", version.Reason is null or "unloaded"),
        };
        var status = ok ? new TfStatus("OK", "") : new TfStatus("UNKNOWN", version.Reason ?? "");
        return new TfModelVersionStatus(version.VersionText, state, status);
    }

    private static Task ModelMetadataAsync(HttpContext context)
    {
        var target = TfServingTarget.FromRoute(context);
        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        var (model, version, metadata) = ServerHealth.ResolveMetadata(router, target.Model, target.Version, target.Label);
        var signature = new TfSignatureDef(Describe(metadata.Inputs), Describe(metadata.Outputs), "tensorflow/serving/predict");
        var response = new TfModelMetadataResponse(
            new TfModelSpec(model.Name, "", version.VersionText),
            new TfMetadata(new TfSignatureDefMap(new Dictionary<string, TfSignatureDef>(StringComparer.Ordinal) { [DefaultSignature] = signature })));
        return context.Response.WriteAsJsonAsync(response, TfServingJsonContext.Default.TfModelMetadataResponse, contentType: null, context.RequestAborted);
    }

    private static Dictionary<string, TfTensorInfo> Describe(IReadOnlyList<TensorMetadata> tensors)
    {
        var result = new Dictionary<string, TfTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            var dims = new TfDim[tensor.Shape.Rank];
            for (var d = 0; d < dims.Length; d++)
            {
                dims[d] = new TfDim(tensor.Shape[d].ToString(System.Globalization.CultureInfo.InvariantCulture), "");
            }

            result[tensor.Name] = new TfTensorInfo(tensor.DataType.TfName(), new TfTensorShape(dims, UnknownRank: false), tensor.Name);
        }

        return result;
    }

    /// <summary>Checks <c>signature_name</c>: absent, empty or <see cref="DefaultSignature"/>.</summary>
    internal static void CheckSignature(string? signatureName, string modelName)
    {
        if (!string.IsNullOrEmpty(signatureName) && !string.Equals(signatureName, DefaultSignature, StringComparison.Ordinal))
        {
            throw MaasError.InvalidArgument($"signature_name is '{signatureName}', but model '{modelName}' has one signature, '{DefaultSignature}' (its inputs and outputs, see GET /v1/models/{modelName}/metadata); send \"signature_name\": \"{DefaultSignature}\" or leave it out.");
        }
    }
}
