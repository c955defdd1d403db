using System.Text.Json;
using Maas.Generation;

namespace Maas.Core.Repository;

public static partial class ModelConfigReader
{
    /// <summary>Upper bound for <c>llm.context_length</c>.</summary>
    public const int MaxContextLength = 1 << 20;

    /// <summary>Upper bound for <c>llm.max_sequences</c>.</summary>
    public const int MaxSequences = 256;

    /// <summary>Reads the <c>llm</c> section: language-model settings, see <see cref="LanguageModelOptions"/>.</summary>
    private static LanguageModelOptions ReadLanguageModel(JsonElement element, List<string> errors)
    {
        var llm = new LanguageModelOptions();
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'llm' must be an object such as {\"context_length\": 2048, \"max_sequences\": 8}");
            return llm;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "context_length":
                    llm = llm with { ContextLength = ReadInt(property, "llm.", 16, MaxContextLength, errors) };
                    break;
                case "max_sequences":
                    llm = llm with { MaxSequences = ReadInt(property, "llm.", 1, MaxSequences, errors) };
                    break;
                case "threads":
                    llm = llm with { Threads = ReadInt(property, "llm.", 1, MaxThreads, errors) };
                    break;
                case "batch_size":
                    llm = llm with { BatchSize = ReadInt(property, "llm.", 1, 1 << 16, errors) };
                    break;
                case "prefill_chunk":
                    llm = llm with { PrefillChunk = ReadInt(property, "llm.", 1, 1 << 16, errors) };
                    break;
                case "max_queue":
                    llm = llm with { MaxQueue = ReadInt(property, "llm.", 0, MaxQueueSize, errors) };
                    break;
                case "prefix_cache_tokens":
                    llm = llm with { PrefixCacheTokens = ReadInt(property, "llm.", 0, 1 << 20, errors) };
                    break;
                case "default_max_tokens":
                    llm = llm with { DefaultMaxTokens = ReadInt(property, "llm.", 1, MaxContextLength, errors) };
                    break;
                case "chat_template":
                    llm = llm with { ChatTemplate = ReadString(property, errors) };
                    break;
                case "sampling":
                    llm = llm with { DefaultSampling = ReadSampling(property.Value, errors) };
                    break;
                default:
                    errors.Add($"unknown field 'llm.{property.Name}' (known: context_length, max_sequences, threads, batch_size, prefill_chunk, max_queue, prefix_cache_tokens, default_max_tokens, chat_template, sampling)");
                    break;
            }
        }

        return llm;
    }

    private static SamplingOptions ReadSampling(JsonElement element, List<string> errors)
    {
        var sampling = SamplingOptions.Default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'llm.sampling' must be an object such as {\"temperature\": 0.7, \"top_p\": 0.9}");
            return sampling;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "temperature":
                    sampling = sampling with { Temperature = ReadFloat(property, 0, 2, errors) };
                    break;
                case "top_p":
                    sampling = sampling with { TopP = ReadFloat(property, 0, 1, errors) };
                    break;
                case "top_k":
                    sampling = sampling with { TopK = ReadInt(property, "llm.sampling.", 0, 1 << 20, errors) };
                    break;
                case "min_p":
                    sampling = sampling with { MinP = ReadFloat(property, 0, 1, errors) };
                    break;
                case "repetition_penalty":
                    sampling = sampling with { RepetitionPenalty = ReadFloat(property, 0, 10, errors) };
                    break;
                case "presence_penalty":
                    sampling = sampling with { PresencePenalty = ReadFloat(property, -2, 2, errors) };
                    break;
                case "frequency_penalty":
                    sampling = sampling with { FrequencyPenalty = ReadFloat(property, -2, 2, errors) };
                    break;
                case "seed":
                    sampling = sampling with { Seed = property.Value.TryGetInt64(out var seed) ? seed : null };
                    break;
                default:
                    errors.Add($"unknown field 'llm.sampling.{property.Name}' (known: temperature, top_p, top_k, min_p, repetition_penalty, presence_penalty, frequency_penalty, seed)");
                    break;
            }
        }

        return sampling;
    }

    private static float ReadFloat(JsonProperty property, float min, float max, List<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var value) && value >= min && value <= max)
        {
            return (float)value;
        }

        errors.Add($"'llm.sampling.{property.Name}' must be a number from {min} to {max}, not {property.Value.GetRawText()}");
        return 0;
    }
}
