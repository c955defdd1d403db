using System.Text.Json;
using Maas.Core.Scheduling;
using Maas.Errors;
using Maas.Models;

namespace Maas.Core.Repository;

/// <summary>
/// Reads and validates <c>config.json</c>. Every problem in the file is collected and reported
/// in one message, so a user fixes them all in one go; unknown fields are errors (a typo such as
/// <c>intra_op_thread</c> must not be silently ignored).
/// </summary>
public static partial class ModelConfigReader
{
    /// <summary>Upper bound for thread counts: more than this is a typo, not a setting.</summary>
    public const int MaxThreads = 1024;

    /// <summary>Upper bound for <c>max_batch_size</c> and preferred sizes.</summary>
    public const int MaxBatchSize = 1 << 16;

    /// <summary>Upper bound for <c>instance_count</c>.</summary>
    public const int MaxInstances = 64;

    /// <summary>Upper bound for <c>queue.max_queue_size</c>.</summary>
    public const int MaxQueueSize = 1_000_000;

    /// <summary>Upper bound for <c>queue.priority_levels</c>.</summary>
    public const int MaxPriorityLevels = 16;

    /// <summary>Upper bound for <c>dynamic_batching.max_queue_delay_microseconds</c>: 10 s.</summary>
    public const int MaxDelayMicroseconds = 10_000_000;

    /// <summary>Upper bound for the number of <c>output_labels</c>.</summary>
    public const int MaxOutputLabels = 1_000_000;

    /// <summary>Reads the file; throws <see cref="MaasError"/> (InvalidArgument) listing every problem.</summary>
    public static ModelConfig ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Unreadable (permissions) must be a load error like any other, or it escapes the
            // per-model error handling and stops the whole repository from loading.
            throw MaasError.InvalidArgument($"Cannot read {path}: {ex.Message}");
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses config JSON; <paramref name="source"/> names the file in messages.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> json, string source)
    {
        var errors = new List<string>();
        var config = ModelConfig.Default;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            config = ReadRoot(document.RootElement, errors);
        }
        catch (JsonException ex)
        {
            errors.Add($"not valid JSON ({ex.Message})");
        }

        if (errors.Count > 0)
        {
            throw MaasError.InvalidArgument($"Invalid {source}: {string.Join("; ", errors)}.");
        }

        return config;
    }

    private static ModelConfig ReadRoot(JsonElement root, List<string> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"the top level must be a JSON object, not {root.ValueKind}");
            return ModelConfig.Default;
        }

        var config = ModelConfig.Default;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "backend":
                    config = config with { Backend = ReadString(property, errors) };
                    break;
                case "engine":
                    config = config with { Engine = ReadEngine(property.Value, errors) };
                    break;
                case "max_batch_size":
                    config = config with { Batching = config.Batching with { MaxBatchSize = ReadInt(property, "", 0, MaxBatchSize, errors) } };
                    break;
                case "dynamic_batching":
                    config = config with { Batching = ReadBatching(property.Value, config.Batching, errors) };
                    break;
                case "instance_count":
                    config = config with { InstanceCount = ReadInt(property, "", 1, MaxInstances, errors) };
                    break;
                case "queue":
                    config = config with { Queue = ReadQueue(property.Value, errors) };
                    break;
                case "output_labels":
                    config = config with { OutputLabels = ReadOutputLabels(property.Value, errors) };
                    break;
                case "version_policy":
                    config = config with { VersionPolicy = ReadVersionPolicy(property.Value, errors) };
                    break;
                case "labels":
                    config = config with { Labels = ReadLabels(property.Value, errors) };
                    break;
                case "traffic":
                    config = config with { Traffic = ReadTraffic(property.Value, errors) };
                    break;
                case "warmup":
                    config = config with { Warmup = ReadWarmup(property.Value, errors) };
                    break;
                case "response_cache":
                    config = config with { ResponseCache = ReadResponseCache(property.Value, errors) };
                    break;
                case "llm":
                    config = config with { LanguageModel = ReadLanguageModel(property.Value, errors) };
                    break;
                case "pipeline":
                    config = config with { Pipeline = ReadPipeline(property.Value, errors) };
                    break;
                default:
                    errors.Add($"unknown field '{property.Name}' (known fields: backend, engine, max_batch_size, dynamic_batching, instance_count, queue, output_labels, version_policy, labels, traffic, warmup, response_cache, llm, pipeline)");
                    break;
            }
        }

        CheckConsistency(config, errors);
        return config;
    }

    private static void CheckConsistency(ModelConfig config, List<string> errors)
    {
        var max = config.Batching.MaxBatchSize;
        foreach (var size in config.Batching.PreferredBatchSizes)
        {
            if (max is { } m && size > m)
            {
                errors.Add($"'dynamic_batching.preferred_batch_sizes' has {size}, larger than max_batch_size {m}");
            }
        }

        if (config.Pipeline is not null)
        {
            CheckPipeline(config, errors);
        }

        if (config.Queue.DefaultPriorityLevel is { } level && level > config.Queue.PriorityLevels)
        {
            errors.Add($"'queue.default_priority_level' is {level}, but there are only {config.Queue.PriorityLevels} priority level(s) (queue.priority_levels)");
        }
    }

    private static BatchingConfig ReadBatching(JsonElement element, BatchingConfig batching, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'dynamic_batching' must be an object such as {\"max_queue_delay_microseconds\": 500}");
            return batching;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "preferred_batch_sizes":
                    batching = batching with { PreferredBatchSizes = ReadSizes(property, errors) };
                    break;
                case "max_queue_delay_microseconds":
                    batching = batching with { MaxQueueDelay = TimeSpan.FromMicroseconds(ReadInt(property, "dynamic_batching.", 0, MaxDelayMicroseconds, errors)) };
                    break;
                case "adaptive_delay":
                    batching = batching with { AdaptiveDelay = ReadBool(property, "dynamic_batching.", batching.AdaptiveDelay, errors) };
                    break;
                default:
                    errors.Add($"unknown field 'dynamic_batching.{property.Name}' (known: preferred_batch_sizes, max_queue_delay_microseconds, adaptive_delay)");
                    break;
            }
        }

        return batching;
    }

    private static int[] ReadSizes(JsonProperty property, List<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.Array)
        {
            var sizes = new List<int>();
            foreach (var item in property.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var size) || size is < 1 or > MaxBatchSize)
                {
                    errors.Add($"'dynamic_batching.preferred_batch_sizes' must hold integers from 1 to {MaxBatchSize}, not {item.GetRawText()}");
                    return [];
                }

                sizes.Add(size);
            }

            sizes.Sort();
            return [.. sizes];
        }

        errors.Add($"'dynamic_batching.preferred_batch_sizes' must be an array of integers, not {property.Value.GetRawText()}");
        return [];
    }

    private static string[]? ReadOutputLabels(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is 0 or > MaxOutputLabels)
        {
            errors.Add($"'output_labels' must be a list of 1 to {MaxOutputLabels} class names such as [\"cat\", \"dog\"], not {Excerpt(element)}");
            return null;
        }

        var labels = new string[element.GetArrayLength()];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var label = item.ValueKind == JsonValueKind.String ? item.GetString()! : null;
            if (string.IsNullOrEmpty(label))
            {
                errors.Add($"'output_labels[{i}]' must be a non-empty string, not {Excerpt(item)}");
                return null;
            }

            if (!seen.Add(label))
            {
                errors.Add($"'output_labels' has \"{label}\" twice (at {Array.IndexOf(labels, label)} and {i}); class names must be unique");
                return null;
            }

            labels[i++] = label;
        }

        return labels;
    }

    // A value for a message: short values whole, long ones (a huge list) cut.
    private static string Excerpt(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 60 ? text : text[..60] + "…";
    }

    private static QueuePolicy ReadQueue(JsonElement element, List<string> errors)
    {
        var queue = new QueuePolicy();
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'queue' must be an object such as {\"max_queue_size\": 64}");
            return queue;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "max_queue_size":
                    queue = queue with { MaxQueueSize = ReadInt(property, "queue.", 1, MaxQueueSize, errors) };
                    break;
                case "default_timeout_microseconds":
                    var micros = ReadInt(property, "queue.", 0, int.MaxValue, errors);
                    queue = queue with { DefaultTimeout = micros == 0 ? null : TimeSpan.FromMicroseconds(micros) };
                    break;
                case "allow_timeout_override":
                    queue = queue with { AllowTimeoutOverride = ReadBool(property, "queue.", queue.AllowTimeoutOverride, errors) };
                    break;
                case "priority_levels":
                    queue = queue with { PriorityLevels = ReadInt(property, "queue.", 1, MaxPriorityLevels, errors) };
                    break;
                case "default_priority_level":
                    queue = queue with { DefaultPriorityLevel = ReadInt(property, "queue.", 1, MaxPriorityLevels, errors) };
                    break;
                default:
                    errors.Add($"unknown field 'queue.{property.Name}' (known: max_queue_size, default_timeout_microseconds, allow_timeout_override, priority_levels, default_priority_level)");
                    break;
            }
        }

        return queue;
    }

    private static int ReadInt(JsonProperty property, string prefix, int min, int max, List<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add($"'{prefix}{property.Name}' must be an integer from {min} to {max}, not {property.Value.GetRawText()}");
        return min;
    }

    private static bool ReadBool(JsonProperty property, string prefix, bool fallback, List<string> errors)
    {
        if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return property.Value.GetBoolean();
        }

        errors.Add($"'{prefix}{property.Name}' must be true or false, not {property.Value.GetRawText()}");
        return fallback;
    }

    private static EngineOptions ReadEngine(JsonElement element, List<string> errors)
    {
        var engine = new EngineOptions();
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'engine' must be an object such as {\"intra_op_threads\": 1}");
            return engine;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "intra_op_threads":
                    engine = engine with { IntraOpThreads = ReadInt(property, "engine.", 0, MaxThreads, errors) };
                    break;
                case "inter_op_threads":
                    engine = engine with { InterOpThreads = ReadInt(property, "engine.", 0, MaxThreads, errors) };
                    break;
                case "graph_optimization_level":
                    engine = engine with { GraphOptimizationLevel = ReadOptimizationLevel(property, errors) };
                    break;
                default:
                    errors.Add($"unknown field 'engine.{property.Name}' (known: intra_op_threads, inter_op_threads, graph_optimization_level)");
                    break;
            }
        }

        return engine;
    }

    private static GraphOptimizationLevel ReadOptimizationLevel(JsonProperty property, List<string> errors)
    {
        var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
        switch (text)
        {
            case "disabled": return GraphOptimizationLevel.Disabled;
            case "basic": return GraphOptimizationLevel.Basic;
            case "extended": return GraphOptimizationLevel.Extended;
            case "all": return GraphOptimizationLevel.All;
            default:
                errors.Add($"'engine.graph_optimization_level' must be one of \"disabled\", \"basic\", \"extended\", \"all\", not {property.Value.GetRawText()}");
                return GraphOptimizationLevel.All;
        }
    }

    private static string? ReadString(JsonProperty property, List<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.String)
        {
            return property.Value.GetString();
        }

        errors.Add($"'{property.Name}' must be a string, not {property.Value.GetRawText()}");
        return null;
    }
}
