using System.Text.Json;
using Maas.Errors;
using Maas.Generation;

namespace Maas.Server.Frontends.OpenAI;

/// <summary>
/// Parses the bodies of <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c> into the
/// canonical <see cref="GenerationRequest"/>. Fields OpenAI defines that change nothing here
/// (user, logit_bias absent, ...) are accepted and ignored; wrong types and out-of-range values
/// are InvalidArgument naming the field.
/// </summary>
internal static class OpenAIRequestParser
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    /// <summary>Upper bound for the number of stop sequences (OpenAI allows 4).</summary>
    public const int MaxStops = 4;

    public static OpenAIRequest Parse(ReadOnlyMemory<byte> body, bool chat)
    {
        using (var document = JsonRequestBody.ParseObject(body, chat ? "an object with 'model' and 'messages'" : "an object with 'model' and 'prompt'"))
        {
            var root = document.RootElement;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } name
                ? name
                : throw MaasError.InvalidArgument("'model' is required: the name of a language model in the repository (GET /v1/models lists them).");
            var request = new GenerationRequest
            {
                Prompt = chat ? null : ReadPrompt(root),
                Messages = chat ? ReadMessages(root) : null,
                MaxTokens = ReadMaxTokens(root),
                Stop = ReadStop(root),
                Sampling = ReadSampling(root),
            };
            if (root.TryGetProperty("n", out var n) && n.ValueKind != JsonValueKind.Null && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out var count) || count != 1))
            {
                throw MaasError.InvalidArgument($"'n' must be 1 here (one choice per request), not {n.GetRawText()}; send several requests for several choices.");
            }

            var stream = ReadBool(root, "stream");
            var includeUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object && ReadBool(options, "include_usage");
            return new OpenAIRequest(model, request, stream, includeUsage);
        }
    }

    private static string ReadPrompt(JsonElement root)
    {
        if (!root.TryGetProperty("prompt", out var prompt))
        {
            throw MaasError.InvalidArgument("'prompt' is required: the text to complete.");
        }

        if (prompt.ValueKind == JsonValueKind.String)
        {
            return prompt.GetString()!;
        }

        if (prompt.ValueKind == JsonValueKind.Array && prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String)
        {
            return prompt[0].GetString()!;
        }

        throw MaasError.InvalidArgument("'prompt' must be a string (or an array holding one string); token arrays and batches of prompts are not supported.");
    }

    private static List<ChatMessage> ReadMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw MaasError.InvalidArgument("'messages' is required: a non-empty array of {\"role\": ..., \"content\": ...}.");
        }

        var list = new List<ChatMessage>(messages.GetArrayLength());
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw MaasError.InvalidArgument($"messages[{index}] must be an object with 'role' and 'content'.");
            }

            var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (role is null || !Roles.Contains(role))
            {
                throw MaasError.InvalidArgument($"messages[{index}].role is {(role is null ? "missing" : $"'{role}'")}; it must be one of: system, developer, user, assistant, tool.");
            }

            list.Add(new ChatMessage(role == "developer" ? "system" : role, ReadContent(message, index)));
            index++;
        }

        return list;
    }

    private static string ReadContent(JsonElement message, int index)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var text = new System.Text.StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.GetString() != "text"
                    || !part.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String)
                {
                    throw MaasError.InvalidArgument($"messages[{index}].content has a part that is not {{\"type\": \"text\", \"text\": ...}}; only text parts are supported.");
                }

                text.Append(t.GetString());
            }

            return text.ToString();
        }

        throw MaasError.InvalidArgument($"messages[{index}].content must be a string or an array of text parts.");
    }

    internal static int? ReadMaxTokens(JsonElement root)
    {
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 1
                    ? n
                    : throw MaasError.InvalidArgument($"'{name}' must be a positive integer, not {value.GetRawText()}.");
            }
        }

        return null;
    }

    internal static List<string> ReadStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop) || stop.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            return stop.GetString() is { Length: > 0 } s ? [s] : [];
        }

        if (stop.ValueKind == JsonValueKind.Array && stop.GetArrayLength() <= MaxStops)
        {
            var list = new List<string>();
            foreach (var item in stop.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw MaasError.InvalidArgument($"'stop' must hold strings, not {item.GetRawText()}.");
                }

                if (item.GetString() is { Length: > 0 } s)
                {
                    list.Add(s);
                }
            }

            return list;
        }

        throw MaasError.InvalidArgument($"'stop' must be a string or an array of at most {MaxStops} strings.");
    }

    internal static SamplingOptions ReadSampling(JsonElement root)
    {
        var sampling = SamplingOptions.Default;
        return sampling with
        {
            Temperature = ReadFloat(root, "temperature", sampling.Temperature),
            TopP = ReadFloat(root, "top_p", sampling.TopP),
            TopK = (int)ReadFloat(root, "top_k", sampling.TopK, integer: true),
            MinP = ReadFloat(root, "min_p", sampling.MinP),
            RepetitionPenalty = ReadFloat(root, "repetition_penalty", sampling.RepetitionPenalty),
            PresencePenalty = ReadFloat(root, "presence_penalty", sampling.PresencePenalty),
            FrequencyPenalty = ReadFloat(root, "frequency_penalty", sampling.FrequencyPenalty),
            Seed = root.TryGetProperty("seed", out var seed) && seed.ValueKind != JsonValueKind.Null
                ? (seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out var s) ? s : throw MaasError.InvalidArgument($"'seed' must be an integer, not {seed.GetRawText()}."))
                : null,
        };
    }

    private static float ReadFloat(JsonElement root, string name, float fallback, bool integer = false)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && (!integer || number == Math.Floor(number)))
        {
            return (float)number;
        }

        throw MaasError.InvalidArgument($"'{name}' must be {(integer ? "an integer" : "a number")}, not {value.GetRawText()}.");
    }

    private static bool ReadBool(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw MaasError.InvalidArgument($"'{name}' must be true or false, not {value.GetRawText()}."),
        };
    }
}
