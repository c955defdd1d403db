using System.Collections.Concurrent;

namespace Maas.Core.Telemetry;

/// <summary>
/// Cumulative statistics of one model version, in the shape of Triton's statistics extension
/// (<c>inference_stats</c>, <c>batch_stats</c>, counts). Thread-safe; never reset while loaded.
/// </summary>
public sealed class InferenceStatistics
{
    private readonly ConcurrentDictionary<long, BatchStatistics> _batches = new();
    private long _inferenceCount;
    private long _executionCount;
    private long _lastInferenceMs;

    /// <summary>Requests that got a response: their whole time in the scheduler.</summary>
    public DurationStatistic Success { get; } = new();

    /// <summary>Requests that failed (including timeouts and a full queue): their time until failing.</summary>
    public DurationStatistic Fail { get; } = new();

    /// <summary>Time requests waited in the queue.</summary>
    public DurationStatistic Queue { get; } = new();

    /// <summary>Assembling inputs (per request).</summary>
    public DurationStatistic ComputeInput { get; } = new();

    /// <summary>Running the engine (per request).</summary>
    public DurationStatistic ComputeInfer { get; } = new();

    /// <summary>Splitting outputs (per request).</summary>
    public DurationStatistic ComputeOutput { get; } = new();

    /// <summary>Requests answered by the response cache: time to look up and copy the answer.</summary>
    public DurationStatistic CacheHit { get; } = new();

    /// <summary>Requests of a caching model that ran the engine: their whole time, engine included.</summary>
    public DurationStatistic CacheMiss { get; } = new();

    /// <summary>Rows inferred (a batch of 4 single-row requests counts 4).</summary>
    public long InferenceCount => Volatile.Read(ref _inferenceCount);

    /// <summary>Engine runs (a batch counts 1).</summary>
    public long ExecutionCount => Volatile.Read(ref _executionCount);

    /// <summary>Unix time in milliseconds of the last inference; 0 if none.</summary>
    public long LastInferenceMs => Volatile.Read(ref _lastInferenceMs);

    /// <summary>Per batch size, ascending.</summary>
    public IReadOnlyList<BatchStatistics> Batches
    {
        get
        {
            var list = _batches.Values.ToList();
            list.Sort((a, b) => a.BatchSize.CompareTo(b.BatchSize));
            return list;
        }
    }

    /// <summary>Records one engine execution of <paramref name="requests"/> requests totalling <paramref name="rows"/> rows.</summary>
    public void RecordExecution(int requests, long rows, TimeSpan input, TimeSpan infer, TimeSpan output, DateTimeOffset now)
    {
        Interlocked.Increment(ref _executionCount);
        Interlocked.Add(ref _inferenceCount, rows);
        Volatile.Write(ref _lastInferenceMs, now.ToUnixTimeMilliseconds());
        ComputeInput.Add(input * requests, requests);
        ComputeInfer.Add(infer * requests, requests);
        ComputeOutput.Add(output * requests, requests);
        var batch = _batches.GetOrAdd(rows, static size => new BatchStatistics(size));
        batch.ComputeInput.Add(input);
        batch.ComputeInfer.Add(infer);
        batch.ComputeOutput.Add(output);
    }
}
