using System.Buffers;
using System.Text.Json;
using Maas.Buffers;
using Maas.Generation;
using Microsoft.AspNetCore.Http;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// Writes OpenAI's response shapes: <c>chat.completion</c> / <c>text_completion</c> objects, and
/// for <c>stream: true</c> Server-Sent Events of <c>chat.completion.chunk</c> /
/// <c>text_completion</c> chunks ending with <c>data: [DONE]</c>.
/// </summary>
internal sealed class OpenAIResponseWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly bool _chat;
    private readonly string _id;
    private readonly long _created;
    private readonly string _model;
    private readonly bool _includeUsage;

    public OpenAIResponseWriter(bool chat, string model, bool includeUsage)
    {
        _chat = chat;
        _model = model;
        _includeUsage = includeUsage;
        _id = (chat ? "chatcmpl-" : "cmpl-") + Guid.NewGuid().ToString("N");
        _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    private string ObjectName => _chat ? "chat.completion" : "text_completion";

    private string ChunkObjectName => _chat ? "chat.completion.chunk" : "text_completion";

    /// <summary>The whole answer of a non-streamed request.</summary>
    public async Task WriteCompleteAsync(HttpResponse response, string text, FinishReason finish, int promptTokens, int cachedTokens, int completionTokens, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(512 + (text.Length * 2));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteHeader(writer, ObjectName);
            writer.WriteStartArray("choices"u8);
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, 0);
            if (_chat)
            {
                writer.WriteStartObject("message"u8);
                writer.WriteString("role"u8, "assistant");
                writer.WriteString("content"u8, text);
                writer.WriteNull("refusal"u8);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text"u8, text);
            }

            writer.WriteNull("logprobs"u8);
            writer.WriteString("finish_reason"u8, FinishName(finish));
            writer.WriteEndObject();
            writer.WriteEndArray();
            WriteUsage(writer, promptTokens, cachedTokens, completionTokens);
            writer.WriteEndObject();
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Starts the event stream (status and headers).</summary>
    public static async Task StartStreamAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
    }

    /// <summary>One chunk: new text (the first chat chunk also carries the role), or the finish reason.</summary>
    public Task WriteChunkAsync(HttpResponse response, string? text, bool first, FinishReason? finish, CancellationToken cancellationToken) =>
        WriteEventAsync(response, writer =>
        {
            writer.WriteStartObject();
            WriteHeader(writer, ChunkObjectName);
            writer.WriteStartArray("choices"u8);
            writer.WriteStartObject();
            writer.WriteNumber("index"u8, 0);
            if (_chat)
            {
                writer.WriteStartObject("delta"u8);
                if (first)
                {
                    writer.WriteString("role"u8, "assistant");
                }

                if (text is not null)
                {
                    writer.WriteString("content"u8, text);
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("text"u8, text ?? "");
            }

            writer.WriteNull("logprobs"u8);
            if (finish is { } f)
            {
                writer.WriteString("finish_reason"u8, FinishName(f));
            }
            else
            {
                writer.WriteNull("finish_reason"u8);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            if (_includeUsage)
            {
                writer.WriteNull("usage"u8);
            }

            writer.WriteEndObject();
        }, cancellationToken);

    /// <summary>The usage chunk (<c>stream_options.include_usage</c>): no choices, the counts.</summary>
    public Task WriteUsageChunkAsync(HttpResponse response, int promptTokens, int cachedTokens, int completionTokens, CancellationToken cancellationToken) =>
        WriteEventAsync(response, writer =>
        {
            writer.WriteStartObject();
            WriteHeader(writer, ChunkObjectName);
            writer.WriteStartArray("choices"u8);
            writer.WriteEndArray();
            WriteUsage(writer, promptTokens, cachedTokens, completionTokens);
            writer.WriteEndObject();
        }, cancellationToken);

    /// <summary>An error after the stream started: an event with OpenAI's error object.</summary>
    public static async Task WriteErrorEventAsync(HttpResponse response, Errors.MaasError error, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken);
        await response.Body.WriteAsync(OpenAIErrors.Body(error), cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>The closing <c>data: [DONE]</c>.</summary>
    public static async Task WriteDoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task WriteEventAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter(512);
        buffer.Write(DataPrefix);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        buffer.Write(EventEnd);
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private void WriteHeader(Utf8JsonWriter writer, string objectName)
    {
        writer.WriteString("id"u8, _id);
        writer.WriteString("object"u8, objectName);
        writer.WriteNumber("created"u8, _created);
        writer.WriteString("model"u8, _model);
        writer.WriteString("system_fingerprint"u8, "maas-" + ServerInfo.Version);
    }

    /// <summary>OpenAI's usage object; <paramref name="cachedTokens"/> (prompt tokens served from the prefix cache) goes in prompt_tokens_details.</summary>
    private static void WriteUsage(Utf8JsonWriter writer, int promptTokens, int cachedTokens, int completionTokens)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, promptTokens);
        writer.WriteNumber("completion_tokens"u8, completionTokens);
        writer.WriteNumber("total_tokens"u8, promptTokens + completionTokens);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, cachedTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string FinishName(FinishReason finish) => finish == FinishReason.Length ? "length" : "stop";
}
