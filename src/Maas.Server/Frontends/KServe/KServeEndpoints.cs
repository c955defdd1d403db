using Maas.Core.Routing;
using Maas.Models;
using Maas.Server.Security;
using Maas.Tensors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// The KServe v2 / Open Inference Protocol REST routes, as Triton serves them: health, server and
/// model metadata, readiness, and inference with the binary tensor data extension.
/// </summary>
public static class KServeEndpoints
{
    /// <summary>Extensions of the protocol this server implements, reported by <c>GET /v2</c>.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data", "statistics", "model_repository"];

    /// <summary>Maps every KServe v2 REST route.</summary>
    public static IEndpointRouteBuilder MapKServe(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var open = AccessRequirement.Open;
        var model = AccessRequirement.InferOnRouteModel;
        routes.MapGet("/v2/health/live", static context => { context.Response.StatusCode = StatusCodes.Status200OK; return Task.CompletedTask; }).WithMetadata(open);
        routes.MapGet("/v2/health/ready", ServerReady).WithMetadata(open);
        routes.MapGet("/v2", ServerMetadata).WithMetadata(AccessRequirement.Authenticated);
        routes.MapGet("/v2/models/stats", KServeStatistics.AllAsync).WithMetadata(AccessRequirement.Metrics);
        routes.MapGet("/v2/models/{model}/stats", KServeStatistics.ModelAsync).WithMetadata(AccessRequirement.Metrics);
        routes.MapGet("/v2/models/{model}/versions/{version}/stats", KServeStatistics.ModelAsync).WithMetadata(AccessRequirement.Metrics);
        routes.MapGet("/v2/models/{model}", ModelMetadata).WithMetadata(model);
        routes.MapGet("/v2/models/{model}/versions/{version}", ModelMetadata).WithMetadata(model);
        routes.MapGet("/v2/models/{model}/ready", ModelReady).WithMetadata(model);
        routes.MapGet("/v2/models/{model}/versions/{version}/ready", ModelReady).WithMetadata(model);
        routes.MapPost("/v2/models/{model}/infer", KServeInferHandler.InferAsync).WithMetadata(model);
        routes.MapPost("/v2/models/{model}/versions/{version}/infer", KServeInferHandler.InferAsync).WithMetadata(model);
        // Labels (config.json "labels") are Maas's extension of the protocol's routes.
        routes.MapGet("/v2/models/{model}/labels/{label}", ModelMetadata).WithMetadata(model);
        routes.MapGet("/v2/models/{model}/labels/{label}/ready", ModelReady).WithMetadata(model);
        routes.MapPost("/v2/models/{model}/labels/{label}/infer", KServeInferHandler.InferAsync).WithMetadata(model);
        routes.MapKServeRepository();
        return routes;
    }

    // Readiness answers are booleans, not errors: 200 for ready and 400 for not ready, as the
    // protocol ("4xx for false") and Triton do. Probes treat any non-2xx as not ready.
    private static Task ServerReady(HttpContext context) => Boolean(context, ServerHealth.IsServerReady(context.RequestServices));

    private static Task Boolean(HttpContext context, bool value)
    {
        context.Response.StatusCode = value ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return Task.CompletedTask;
    }

    private static Task ServerMetadata(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new ServerMetadataResponse("maas", ServerInfo.Version, Extensions), KServeJsonContext.Default.ServerMetadataResponse, contentType: null, context.RequestAborted);

    private static Task ModelReady(HttpContext context)
    {
        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        return Boolean(context, ServerHealth.IsModelReady(router, RouteValue(context, "model")!, RouteValue(context, "version"), RouteValue(context, "label")));
    }

    private static Task ModelMetadata(HttpContext context)
    {
        var router = context.RequestServices.GetRequiredService<ModelRouter>();
        var (model, version, metadata) = ServerHealth.ResolveMetadata(router, RouteValue(context, "model")!, RouteValue(context, "version"), RouteValue(context, "label"));
        var versions = ServerHealth.ReadyVersions(model);
        var response = new ModelMetadataResponse(model.Name, versions, metadata.Platform, Describe(metadata.Inputs), Describe(metadata.Outputs))
        {
            Parameters = version.Generator is { } generator ? LanguageModelParameters(generator.Info) : null,
        };
        return context.Response.WriteAsJsonAsync(response, KServeJsonContext.Default.ModelMetadataResponse, contentType: null, context.RequestAborted);
    }

    private static TensorMetadataResponse[] Describe(IReadOnlyList<TensorMetadata> tensors)
    {
        var result = new TensorMetadataResponse[tensors.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new TensorMetadataResponse(tensors[i].Name, tensors[i].DataType.WireName(), tensors[i].Shape.ToArray());
        }

        return result;
    }

    private static Dictionary<string, string> LanguageModelParameters(Generation.LanguageModelInfo info)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["architecture"] = info.Architecture,
            ["parameters"] = info.Parameters.ToString(invariant),
            ["quantization"] = info.Quantization,
            ["context_length"] = info.ContextLength.ToString(invariant),
            ["trained_context_length"] = info.TrainedContextLength.ToString(invariant),
            ["vocabulary_size"] = info.VocabularySize.ToString(invariant),
            ["max_sequences"] = info.MaxSequences.ToString(invariant),
        };
    }

    internal static string? RouteValue(HttpContext context, string name) => context.Request.RouteValues[name] as string;
}
