namespace Maas.Core.Telemetry;

/// <summary>Time spent per stage for executions of one batch size (Triton's <c>batch_stats</c>).</summary>
public sealed class BatchStatistics
{
    /// <summary>Creates the statistics of batches of <paramref name="batchSize"/> rows.</summary>
    public BatchStatistics(long batchSize) => BatchSize = batchSize;

    /// <summary>Rows in the batch.</summary>
    public long BatchSize { get; }

    /// <summary>Assembling the batch's inputs.</summary>
    public DurationStatistic ComputeInput { get; } = new();

    /// <summary>Running the engine.</summary>
    public DurationStatistic ComputeInfer { get; } = new();

    /// <summary>Splitting the outputs back to requests.</summary>
    public DurationStatistic ComputeOutput { get; } = new();
}
