namespace Maas.Core.Scheduling;

/// <summary>
/// Dynamic batching of a model version (<c>config.json</c>: <c>max_batch_size</c> and
/// <c>dynamic_batching { preferred_batch_sizes, max_queue_delay_microseconds }</c>).
/// </summary>
public sealed record BatchingConfig
{
    /// <summary>Default <c>max_batch_size</c> for models whose first dimension is dynamic on every input and output.</summary>
    public const int DefaultMaxBatchSize = 8;

    /// <summary>
    /// Largest batch, counted in rows of the first dimension. 0 turns batching off; null (the
    /// default) means <see cref="DefaultMaxBatchSize"/> when the model can batch, else 0.
    /// </summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Batch sizes to form as soon as they are reached, without waiting for the delay. Empty by default.</summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; init; } = [];

    /// <summary>
    /// How long the first request of a batch may wait for others. Default 0, as Triton: batch what
    /// is queued at that moment, so a lone request never waits and batches form under load.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.Zero;
}
