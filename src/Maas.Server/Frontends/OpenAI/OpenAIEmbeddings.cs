using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Buffers;
using Maas.Core.Routing;
using Maas.Errors;
using Maas.Inference;
using Maas.Tensors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// <c>POST /v1/embeddings</c>: the texts become one BYTES tensor, run through the embedding model
/// (routed, leased and scheduled like any tensor request), and come back as OpenAI's list of
/// embeddings, as JSON numbers or base64 of little-endian float32, with the token usage.
/// </summary>
internal static class OpenAIEmbeddings
{
    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<MaasServerOptions>();
        var router = services.GetRequiredService<ModelRouter>();
        var aborted = context.RequestAborted;
        OpenAIEmbeddingRequest parsed;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBytes, aborted))
        {
            parsed = OpenAIEmbeddingRequest.Parse(body.Memory);
        }

        OpenAIEndpoints.CheckInferScope(context, parsed.Model);
        using var lease = router.Acquire(parsed.Model, null);
        var metadata = lease.Version.Metadata!;
        var signature = EmbeddingSignature.Find(metadata)
            ?? throw MaasError.InvalidArgument($"Model '{parsed.Model}' is not an embedding model: {EmbeddingSignature.Requirement}.");
        var dimensions = signature.Embedding.Shape[1];
        if (parsed.Dimensions is { } wanted && wanted != dimensions)
        {
            // This server does not shorten embeddings (that needs a model trained for it, as OpenAI's are).
            throw MaasError.InvalidArgument(dimensions == TensorShape.Dynamic
                ? $"Model '{parsed.Model}' does not declare its embedding width, so 'dimensions' cannot be checked; leave it out."
                : $"Model '{parsed.Model}' makes {dimensions}-dimensional embeddings; 'dimensions' must be {dimensions} or left out.");
        }

        using var request = BuildRequest(parsed, signature);
        using var response = await lease.Version.InferAsync(request, aborted);
        await WriteAsync(context.Response, parsed, response, aborted);
    }

    private static InferenceRequest BuildRequest(OpenAIEmbeddingRequest parsed, EmbeddingSignature signature)
    {
        var request = new InferenceRequest(parsed.Model);
        var size = 0;
        foreach (var text in parsed.Inputs)
        {
            size += BytesElements.PrefixSize + Encoding.UTF8.GetByteCount(text);
        }

        var texts = new PooledBuffer(size);
        request.Own(texts);
        var at = 0;
        foreach (var text in parsed.Inputs)
        {
            var written = Encoding.UTF8.GetBytes(text, texts.Span[(at + BytesElements.PrefixSize)..]);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(texts.Span[at..], (uint)written);
            at += BytesElements.PrefixSize + written;
        }

        request.Inputs.Add(new Tensor(signature.TextInput, DataType.Bytes, TensorShape.Of(parsed.Inputs.Count), texts.Memory));
        request.Outputs = signature.TokenCount is { } tokens
            ? [new RequestedOutput(EmbeddingSignature.EmbeddingOutput), new RequestedOutput(tokens)]
            : [new RequestedOutput(EmbeddingSignature.EmbeddingOutput)];
        return request;
    }

    private static async Task WriteAsync(HttpResponse http, OpenAIEmbeddingRequest parsed, InferenceResponse response, CancellationToken cancellationToken)
    {
        var embedding = response.Outputs[0];
        var rows = parsed.Inputs.Count;
        if (embedding.Shape.Rank != 2 || embedding.Shape[0] != rows)
        {
            throw MaasError.Internal($"Model '{parsed.Model}' answered embedding {embedding.Shape} for {rows} texts.");
        }

        var width = (int)embedding.Shape[1];
        var values = MemoryMarshal.Cast<byte, float>(embedding.Data.Span);
        long tokens = 0;
        if (response.Outputs.Count > 1)
        {
            foreach (var count in MemoryMarshal.Cast<byte, long>(response.Outputs[1].Data.Span))
            {
                tokens += count;
            }
        }

        using var buffer = new PooledBufferWriter(64 + (rows * width * (parsed.Base64 ? 6 : 12)));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list");
            writer.WriteStartArray("data"u8);
            for (var row = 0; row < rows; row++)
            {
                var vector = values.Slice(row * width, width);
                writer.WriteStartObject();
                writer.WriteString("object"u8, "embedding");
                writer.WriteNumber("index"u8, row);
                if (parsed.Base64)
                {
                    // Little-endian float32 bytes, as OpenAI sends them (the SDKs decode exactly this).
                    writer.WriteBase64String("embedding"u8, MemoryMarshal.AsBytes(vector));
                }
                else
                {
                    writer.WriteStartArray("embedding"u8);
                    foreach (var value in vector)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model"u8, parsed.Model);
            writer.WriteStartObject("usage"u8);
            writer.WriteNumber("prompt_tokens"u8, tokens);
            writer.WriteNumber("total_tokens"u8, tokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        http.ContentType = "application/json";
        http.ContentLength = buffer.WrittenCount;
        await http.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }
}
