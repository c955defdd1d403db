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
    /// is queued at that moment, so batches form under load (see <see cref="AdaptiveDelay"/> for
    /// the one short wait it may still add).
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// With no <see cref="MaxQueueDelay"/>: a batch that would be smaller than the previous one
    /// waits briefly — at most a quarter of the previous batch's compute time, and
    /// <see cref="MaxAdaptiveDelay"/>; only after batches that joined several requests and took at
    /// least <see cref="MinAdaptiveCompute"/> — for the requests the previous batch's clients are
    /// about to send, and the first request after such a batch is not run alone on the caller's
    /// thread. Clients that wait for their answer before sending again then stay in one batch
    /// instead of splitting into groups that take turns (each paying the engine's fixed cost).
    /// Default true; false batches exactly what is queued, as Triton does at delay 0.
    /// </summary>
    public bool AdaptiveDelay { get; init; } = true;

    /// <summary>The longest wait <see cref="AdaptiveDelay"/> adds to a batch: 5 ms.</summary>
    public static readonly TimeSpan MaxAdaptiveDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// <see cref="AdaptiveDelay"/> applies only after batches that took at least this long (1 ms):
    /// for faster models the engine's fixed cost is below what the wait and the thread hop cost.
    /// </summary>
    public static readonly TimeSpan MinAdaptiveCompute = TimeSpan.FromMilliseconds(1);
}
