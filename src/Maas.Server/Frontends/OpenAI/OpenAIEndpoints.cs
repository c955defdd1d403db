using System.Text;
using System.Text.Json;
using Maas.Buffers;
using Maas.Core.Lifecycle;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Generation;
using Maas.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// The OpenAI-compatible API: for language models <c>POST /v1/chat/completions</c> and
/// <c>POST /v1/completions</c> (JSON or Server-Sent Events), for embedding models
/// <c>POST /v1/embeddings</c>, and <c>GET /v1/models</c> listing both. Errors are
/// answered in OpenAI's error shape by <see cref="OpenAIErrors"/>.
/// </summary>
public static class OpenAIEndpoints
{
    /// <summary>Maps the OpenAI routes.</summary>
    public static IEndpointRouteBuilder MapOpenAI(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // The model is named in the body: the route needs a key, the handler checks infer on the model.
        // OpenAIErrorShape: refusals before the handler (401, 403, 429) answer in OpenAI's error shape too.
        routes.MapPost("/v1/chat/completions", static context => HandleAsync(context, chat: true)).WithMetadata(AccessRequirement.Authenticated, OpenAIErrorShape.Instance);
        routes.MapPost("/v1/completions", static context => HandleAsync(context, chat: false)).WithMetadata(AccessRequirement.Authenticated, OpenAIErrorShape.Instance);
        routes.MapPost("/v1/embeddings", static context => Guard(context, OpenAIEmbeddings.HandleAsync)).WithMetadata(AccessRequirement.Authenticated, OpenAIErrorShape.Instance);
        routes.MapGet("/v1/models", static context => Guard(context, ListModelsAsync)).WithMetadata(AccessRequirement.Authenticated, OpenAIErrorShape.Instance);
        return routes;
    }

    private static Task HandleAsync(HttpContext context, bool chat) => Guard(context, c => GenerateAsync(c, chat));

    private static async Task Guard(HttpContext context, Func<HttpContext, Task> handler)
    {
        try
        {
            await handler(context);
        }
        catch (MaasError ex)
        {
            await OpenAIErrors.WriteAsync(context, ex);
        }
        catch (BadHttpRequestException ex)
        {
            await OpenAIErrors.WriteAsync(context, MaasError.InvalidArgument($"The request is malformed or larger than the server's limit (--max-request-bytes): {ex.Message}"));
        }
    }

    private static async Task GenerateAsync(HttpContext context, bool chat)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<MaasServerOptions>();
        var router = services.GetRequiredService<ModelRouter>();
        var aborted = context.RequestAborted;
        OpenAIRequest parsed;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted))
        {
            parsed = OpenAIRequestParser.Parse(body.Memory, chat);
        }

        CheckInferScope(context, parsed.Model);
        using var lease = router.Acquire(parsed.Model, null);
        var generator = lease.Version.Generator
            ?? throw MaasError.InvalidArgument($"Model '{parsed.Model}' is not a language model (it is served for tensor inference: POST /v2/models/{parsed.Model}/infer); the OpenAI routes serve GGUF models (<model>/<version>/model.gguf).");
        using var session = generator.Submit(parsed.Generation, aborted);
        var writer = new OpenAIResponseWriter(chat, parsed.Model, parsed.IncludeUsage);
        if (!parsed.Stream)
        {
            var text = new StringBuilder();
            GenerationChunk last = default;
            await foreach (var chunk in session.Chunks.ReadAllAsync(aborted))
            {
                text.Append(chunk.Text);
                last = chunk;
            }

            await writer.WriteCompleteAsync(context.Response, text.ToString(), last.Finish ?? FinishReason.Stop, session.PromptTokens, last.CachedPromptTokens, last.CompletionTokens, aborted);
            return;
        }

        await OpenAIResponseWriter.StartStreamAsync(context.Response, aborted);
        var first = true;
        var completionTokens = 0;
        var cachedTokens = 0;
        try
        {
            await foreach (var chunk in session.Chunks.ReadAllAsync(aborted))
            {
                completionTokens = chunk.CompletionTokens;
                cachedTokens = chunk.CachedPromptTokens;
                if (chunk.Text.Length > 0 || (first && chat))
                {
                    await writer.WriteChunkAsync(context.Response, chunk.Text, first, null, aborted);
                    first = false;
                }

                if (chunk.Finish is { } finish)
                {
                    await writer.WriteChunkAsync(context.Response, null, first, finish, aborted);
                }
            }
        }
        catch (MaasError ex)
        {
            await OpenAIResponseWriter.WriteErrorEventAsync(context.Response, ex, aborted);
        }

        if (parsed.IncludeUsage)
        {
            await writer.WriteUsageChunkAsync(context.Response, session.PromptTokens, cachedTokens, completionTokens, aborted);
        }

        await OpenAIResponseWriter.WriteDoneAsync(context.Response, aborted);
    }

    /// <summary>With API keys on, the caller's key must have infer on the model the body names.</summary>
    internal static void CheckInferScope(HttpContext context, string model)
    {
        var feature = SecurityMiddleware.Feature(context);
        feature.Model = model;
        if (context.RequestServices.GetRequiredService<ApiKeyStore>().Enabled)
        {
            AccessPolicy.Check(feature.Key, AccessKind.Infer, model);
        }
    }

    /// <summary><c>GET /v1/models</c>: the ready language models, with what their GGUF says, and the embedding models.</summary>
    private static async Task ListModelsAsync(HttpContext context)
    {
        var manager = context.RequestServices.GetRequiredService<ModelManager>();
        using var buffer = new PooledBufferWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list");
            writer.WriteStartArray("data"u8);
            foreach (var (name, model) in manager.Models)
            {
                if (model.DefaultVersion is { State: ModelVersionState.Ready, Generator: null, Metadata: { } metadata } embedder
                    && EmbeddingSignature.Find(metadata) is { } embedding)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, name);
                    writer.WriteString("object"u8, "model");
                    writer.WriteNumber("created"u8, 0);
                    writer.WriteString("owned_by"u8, "maas");
                    writer.WriteString("version"u8, embedder.VersionText);
                    if (embedding.Embedding.Shape[1] != Maas.Tensors.TensorShape.Dynamic)
                    {
                        writer.WriteNumber("dimensions"u8, embedding.Embedding.Shape[1]);
                    }
                    writer.WriteEndObject();
                    continue;
                }

                if (model.DefaultVersion is not { State: ModelVersionState.Ready, Generator: { } generator } version)
                {
                    continue;
                }

                var info = generator.Info;
                writer.WriteStartObject();
                writer.WriteString("id"u8, name);
                writer.WriteString("object"u8, "model");
                writer.WriteNumber("created"u8, version.Stamp is { } stamp ? new DateTimeOffset(stamp.LastWriteUtc, TimeSpan.Zero).ToUnixTimeSeconds() : 0);
                writer.WriteString("owned_by"u8, "maas");
                writer.WriteString("version"u8, version.VersionText);
                writer.WriteString("architecture"u8, info.Architecture);
                writer.WriteNumber("parameters"u8, info.Parameters);
                writer.WriteString("quantization"u8, info.Quantization);
                writer.WriteNumber("context_length"u8, info.ContextLength);
                writer.WriteNumber("trained_context_length"u8, info.TrainedContextLength);
                writer.WriteNumber("vocabulary_size"u8, info.VocabularySize);
                writer.WriteNumber("max_sequences"u8, info.MaxSequences);
                writer.WriteNumber("size_bytes"u8, info.SizeBytes);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
