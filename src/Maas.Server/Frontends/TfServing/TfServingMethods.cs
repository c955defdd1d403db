using Maas.Buffers;
using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// <c>POST /v1/models/{m}[/versions/{v}|/labels/{l}]:(predict|classify|regress)</c>: body →
/// canonical request → model → TF Serving answer.
/// </summary>
internal static class TfServingMethods
{
    /// <summary>Runs the method named after the colon; errors surface as <see cref="MaasError"/> for the error middleware.</summary>
    public static async Task RunAsync(HttpContext context)
    {
        var target = TfServingTarget.FromRoute(context);
        var method = target.Method switch
        {
            TfServingTarget.Predict or TfServingTarget.Classify or TfServingTarget.Regress => target.Method,
            null => throw MaasError.NotFound($"POST {target.Path} names no method; TF Serving's are POST {target.Path}:predict, :classify and :regress (GET {target.Path} answers the model's status)."),
            _ => throw MaasError.NotFound($"Unknown method ':{target.Method}'; TF Serving's are :predict, :classify and :regress, e.g. POST {target.Path}:predict."),
        };

        var services = context.RequestServices;
        var options = services.GetRequiredService<MaasServerOptions>();
        using var lease = target.Acquire(services.GetRequiredService<ModelRouter>());
        var version = lease.Version;
        var aborted = context.RequestAborted;
        TfPredictFormat format = default;
        InferenceRequest request;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted))
        {
            // The parsers copy every value out of the body, so it is returned before the model runs.
            request = Parse(version, method, body.Span, ref format);
        }

        using (request)
        {
            var called = System.Diagnostics.Stopwatch.GetTimestamp();
            using var response = await version.InferAsync(request, aborted);
            Observability.RequestTracing.Record(context, response, called);
            if (method == TfServingTarget.Predict)
            {
                await TfPredictResponseWriter.WriteAsync(context.Response, format, response, aborted);
            }
            else
            {
                await TfExampleMethods.WriteResultsAsync(context.Response, method, version, response, aborted);
            }
        }
    }

    private static InferenceRequest Parse(ModelVersion version, string method, ReadOnlySpan<byte> body, ref TfPredictFormat format)
    {
        var metadata = version.Metadata
            ?? throw MaasError.Unavailable($"Model '{version.ModelName}' version {version.VersionText} is not ready ({version.State}).");
        using var quoted = NonFiniteLiterals.Quote(body);
        var json = quoted is null ? body : quoted.Span;
        if (method == TfServingTarget.Predict)
        {
            return TfPredictRequestParser.Parse(json, version.ModelName, version.VersionText, metadata, out format);
        }

        TfExampleMethods.CheckModelFits(method, version.ModelName, metadata);
        return TfExampleMethods.Parse(json, version.ModelName, version.VersionText, metadata);
    }

    /// <summary>Sends a finished JSON answer with status 200.</summary>
    public static async Task WriteJsonAsync(HttpResponse http, PooledBufferWriter json, CancellationToken cancellationToken)
    {
        http.StatusCode = StatusCodes.Status200OK;
        http.ContentType = "application/json";
        http.ContentLength = json.WrittenCount;
        await http.Body.WriteAsync(json.WrittenMemory, cancellationToken);
    }
}
