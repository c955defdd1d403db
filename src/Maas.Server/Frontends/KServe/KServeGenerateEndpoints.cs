using System.Text;
using System.Text.Json;
using Maas.Buffers;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Generation;
using Maas.Server.Frontends.OpenAI;
using Maas.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// KServe v2's generate extension (as Triton speaks it): <c>POST /v2/models/{m}[/versions/{v}]/generate</c>
/// answers <c>{"model_name", "model_version", "text_output"}</c>; <c>/generate_stream</c> sends the
/// same object per piece as Server-Sent Events. Sampling fields sit at the top level or in
/// <c>parameters</c> (max_tokens, temperature, top_p, top_k, min_p, seed, stop, penalties).
/// </summary>
public static class KServeGenerateEndpoints
{
    /// <summary>Maps the generate routes.</summary>
    public static IEndpointRouteBuilder MapKServeGenerate(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPost("/v2/models/{model}/generate", static context => GenerateAsync(context, stream: false)).WithMetadata(AccessRequirement.InferOnRouteModel);
        routes.MapPost("/v2/models/{model}/versions/{version}/generate", static context => GenerateAsync(context, stream: false)).WithMetadata(AccessRequirement.InferOnRouteModel);
        routes.MapPost("/v2/models/{model}/generate_stream", static context => GenerateAsync(context, stream: true)).WithMetadata(AccessRequirement.InferOnRouteModel);
        routes.MapPost("/v2/models/{model}/versions/{version}/generate_stream", static context => GenerateAsync(context, stream: true)).WithMetadata(AccessRequirement.InferOnRouteModel);
        return routes;
    }

    private static async Task GenerateAsync(HttpContext context, bool stream)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<MaasServerOptions>();
        var router = services.GetRequiredService<ModelRouter>();
        var modelName = KServeEndpoints.RouteValue(context, "model")!;
        var versionName = KServeEndpoints.RouteValue(context, "version");
        var aborted = context.RequestAborted;
        GenerationRequest request;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted))
        {
            request = Parse(body.Memory);
        }

        using var lease = router.Acquire(modelName, versionName);
        var generator = lease.Version.Generator
            ?? throw MaasError.InvalidArgument($"Model '{modelName}' is not a language model; the generate extension serves GGUF models. Use POST /v2/models/{modelName}/infer.");
        var version = lease.Version.VersionText;
        using var session = generator.Submit(request, aborted);
        if (!stream)
        {
            var text = new StringBuilder();
            await foreach (var chunk in session.Chunks.ReadAllAsync(aborted))
            {
                text.Append(chunk.Text);
            }

            var bytes = Output(modelName, version, text.ToString());
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, aborted);
            return;
        }

        await OpenAIResponseWriter.StartStreamAsync(context.Response, aborted);
        try
        {
            await foreach (var chunk in session.Chunks.ReadAllAsync(aborted))
            {
                if (chunk.Text.Length > 0 || chunk.Finish is not null)
                {
                    await WriteEventAsync(context.Response, Output(modelName, version, chunk.Text), aborted);
                }
            }
        }
        catch (MaasError ex)
        {
            using var buffer = new PooledBufferWriter(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("error"u8, ex.Message);
                writer.WriteEndObject();
            }

            await WriteEventAsync(context.Response, buffer.WrittenMemory.ToArray(), aborted);
        }
    }

    private static GenerationRequest Parse(ReadOnlyMemory<byte> body)
    {
        const string Expected = "an object with 'text_input' (a string), e.g. {\"text_input\": \"Hello\", \"parameters\": {\"max_tokens\": 16}}";
        using (var document = JsonRequestBody.ParseObject(body, Expected))
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("text_input", out var input) || input.ValueKind != JsonValueKind.String)
            {
                throw MaasError.InvalidArgument($"The generate request must be {Expected}.");
            }

            var parameters = root.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : root;
            return new GenerationRequest
            {
                Prompt = input.GetString(),
                MaxTokens = OpenAIRequestParser.ReadMaxTokens(parameters),
                Stop = OpenAIRequestParser.ReadStop(parameters),
                Sampling = OpenAIRequestParser.ReadSampling(parameters),
            };
        }
    }

    private static byte[] Output(string model, string version, string text)
    {
        using var buffer = new PooledBufferWriter(128 + (text.Length * 2));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name"u8, model);
            writer.WriteString("model_version"u8, version);
            writer.WriteString("text_output"u8, text);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    private static async Task WriteEventAsync(HttpResponse response, byte[] json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync("data: "u8.ToArray(), cancellationToken);
        await response.Body.WriteAsync(json, cancellationToken);
        await response.Body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
