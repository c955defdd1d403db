using Maas.Core.Scheduling;
using Maas.Models;

namespace Maas.Core.Repository;

/// <summary>
/// A model's <c>config.json</c>: what the model file itself cannot say. Every field is optional;
/// what is missing is derived from the model (signature) or takes the documented default.
/// Immutable: a changed file produces a new instance.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>A config with every field at its default, used when a model has no config.json.</summary>
    public static ModelConfig Default { get; } = new();

    /// <summary>
    /// The backend that loads the model, e.g. <c>onnxruntime</c>. Default: chosen from the model
    /// file found in the version directory (<c>model.onnx</c> → onnxruntime).
    /// </summary>
    public string? Backend { get; init; }

    /// <summary>
    /// Engine threads and graph optimization (see <see cref="EngineOptions"/>). Intra-op threads
    /// left at 0 are divided between instances: cores ÷ <see cref="InstanceCount"/>, at least 1.
    /// </summary>
    public EngineOptions Engine { get; init; } = new();

    /// <summary>Dynamic batching: <c>max_batch_size</c> and <c>dynamic_batching { ... }</c>.</summary>
    public BatchingConfig Batching { get; init; } = new();

    /// <summary>Engine instances (sessions) running requests in parallel, 1 to 64. Default 1.</summary>
    public int InstanceCount { get; init; } = 1;

    /// <summary>The request queue: bound, timeouts, priorities.</summary>
    public QueuePolicy Queue { get; init; } = new();

    /// <summary>
    /// Class names of a classifier (<c>output_labels</c>), one per score of its output's last
    /// dimension, in order: TF Serving's <c>:classify</c> answers them with the scores. Null (the
    /// default) means the classes are named by their indices.
    /// </summary>
    public IReadOnlyList<string>? OutputLabels { get; init; }

    /// <summary>Which version folders are served (<c>version_policy</c>); default the highest one.</summary>
    public VersionPolicy VersionPolicy { get; init; } = VersionPolicy.Default;

    /// <summary>
    /// Names for versions (<c>labels</c>, e.g. <c>{"stable": 3, "canary": 4}</c>), resolvable in
    /// every protocol; moving a label is how traffic moves between versions by name.
    /// </summary>
    public IReadOnlyDictionary<string, long> Labels { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>
    /// Weighted split of the requests that name no version (<c>traffic</c>, e.g.
    /// <c>{"3": 90, "4": 10}</c>); null sends them all to the highest ready version.
    /// </summary>
    public IReadOnlyList<TrafficWeight>? Traffic { get; init; }

    /// <summary>Warm-up runs before a loaded version takes traffic; null runs none.</summary>
    public WarmupConfig? Warmup { get; init; }

    /// <summary>
    /// Whether answers are kept in the server's response cache (<c>"response_cache": {"enabled": true}</c>).
    /// Only for deterministic, stateless models: the same inputs must always give the same outputs.
    /// </summary>
    public bool ResponseCache { get; init; }

    /// <summary>Language-model settings (<c>llm</c>: context length, sequences, threads, template, sampling); null uses the defaults.</summary>
    public Generation.LanguageModelOptions? LanguageModel { get; init; }

    /// <summary>
    /// The <c>pipeline</c> object as JSON text: the model is a graph of processors and other
    /// models of the repository, read and checked by the pipeline backend when it loads. Null
    /// for a model with a model file.
    /// </summary>
    public string? Pipeline { get; init; }
}
