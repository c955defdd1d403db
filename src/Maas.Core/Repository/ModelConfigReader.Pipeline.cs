using System.Text.Json;

namespace Maas.Core.Repository;

public static partial class ModelConfigReader
{
    /// <summary>The backend that runs models whose config.json declares a <c>pipeline</c>.</summary>
    public const string PipelineBackend = "pipeline";

    // The graph itself is read by the pipeline backend (it knows the processors); here only its
    // shape and the fields that make no sense beside it are checked.
    private static string? ReadPipeline(JsonElement element, List<string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'pipeline' must be an object with 'inputs', 'outputs' and 'steps' (see docs/pipelines.md)");
            return null;
        }

        return element.GetRawText();
    }

    private static void CheckPipeline(ModelConfig config, List<string> errors)
    {
        if (config.Backend is not null && config.Backend != PipelineBackend)
        {
            errors.Add($"'backend' is '{config.Backend}', but a model with a 'pipeline' runs on the '{PipelineBackend}' backend; remove 'backend'");
        }

        if (config.Batching.MaxBatchSize is not null || config.Batching.PreferredBatchSizes.Count > 0 || config.InstanceCount != 1)
        {
            errors.Add("a pipeline does not batch or run instances itself: its model steps batch in their own models' config.json; remove 'max_batch_size', 'dynamic_batching' and 'instance_count'");
        }

        if (config.Queue.DefaultTimeout is not null || config.Queue.PriorityLevels != 1 || config.Queue.DefaultPriorityLevel is not null)
        {
            errors.Add("a pipeline has no queue of its own: only 'queue.max_queue_size' applies (the most requests it runs at once); timeouts and priorities belong in its models' config.json");
        }

        if (config.LanguageModel is not null)
        {
            errors.Add("'llm' does not apply to a pipeline");
        }

        if (config.Warmup is not null)
        {
            errors.Add("'warmup' does not apply to a pipeline: warm up its models in their own config.json");
        }

        using var pipeline = JsonDocument.Parse(config.Pipeline!);
        if (pipeline.RootElement.TryGetProperty("sequence", out _))
        {
            if (config.ResponseCache)
            {
                errors.Add("'response_cache' cannot be enabled for a sequence pipeline: its answers depend on the state of the sequence, not only on the request");
            }

            if (config.Traffic is { Count: > 0 })
            {
                // Traffic is split per request, and a sequence's state lives in one version.
                errors.Add("'traffic' cannot split a sequence pipeline: the requests of one sequence would reach different versions, each with its own state; route with 'labels' or the version instead");
            }
        }
    }
}
