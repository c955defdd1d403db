using System.Globalization;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Server.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.KServe;

/// <summary><c>POST /v2/models/{m}[/versions/{v}|/labels/{l}]/infer</c>: body → canonical request → model → body.</summary>
internal static class KServeInferHandler
{
    public static async Task InferAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<MaasServerOptions>();
        var router = services.GetRequiredService<ModelRouter>();
        var modelName = KServeEndpoints.RouteValue(context, "model")!;
        var versionName = KServeEndpoints.RouteValue(context, "version");
        var label = KServeEndpoints.RouteValue(context, "label");
        // Unknown names fail before the body is read; the version is chosen after parsing, since
        // a traffic split routes by the request id.
        ModelRouter.FindVersion(router.ResolveModel(modelName), versionName, label);

        var headerLength = ReadHeaderLength(context.Request);
        var aborted = context.RequestAborted;
        var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted);
        using var request = KServeInferRequestParser.Parse(modelName, versionName, body.Memory, headerLength, body);
        using var lease = router.Acquire(modelName, versionName, label, request.Id);
        var called = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await lease.Version.InferAsync(request, aborted);
        RequestTracing.Record(context, response, called);
        var writing = System.Diagnostics.Stopwatch.GetTimestamp();
        await KServeInferResponseWriter.WriteAsync(context.Response, request, response, aborted);
        RequestTracing.RecordSerialize(response, writing);
    }

    private static int? ReadHeaderLength(HttpRequest request)
    {
        var value = request.Headers[KServeInferResponseWriter.HeaderLengthHeader];
        if (value.Count == 0)
        {
            return null;
        }

        return value.Count == 1 && int.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw MaasError.InvalidArgument($"{KServeInferResponseWriter.HeaderLengthHeader} is '{value}'; it must be the byte length of the JSON part of the body, a non-negative integer.");
    }
}
