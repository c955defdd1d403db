using System.Text.Json;
using Maas.Errors;
using Maas.Models;

namespace Maas.Core.Repository;

/// <summary>
/// Reads and validates <c>config.json</c>. Every problem in the file is collected and reported
/// in one message, so a user fixes them all in one go; unknown fields are errors (a typo such as
/// <c>intra_op_thread</c> must not be silently ignored).
/// </summary>
public static class ModelConfigReader
{
    /// <summary>Upper bound for thread counts: more than this is a typo, not a setting.</summary>
    public const int MaxThreads = 1024;

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
                default:
                    errors.Add($"unknown field '{property.Name}' (known fields: backend, engine)");
                    break;
            }
        }

        return config;
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
                    engine = engine with { IntraOpThreads = ReadThreads(property, errors) };
                    break;
                case "inter_op_threads":
                    engine = engine with { InterOpThreads = ReadThreads(property, errors) };
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

    private static int ReadThreads(JsonProperty property, List<string> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var n) && n is >= 0 and <= MaxThreads)
        {
            return n;
        }

        errors.Add($"'engine.{property.Name}' must be an integer from 0 (engine default) to {MaxThreads}, not {property.Value.GetRawText()}");
        return 0;
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
