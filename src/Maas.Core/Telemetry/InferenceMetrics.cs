using System.Diagnostics.Metrics;

namespace Maas.Core.Telemetry;

/// <summary>
/// The server's inference instruments (System.Diagnostics.Metrics, exported for Prometheus).
/// Names follow OpenTelemetry conventions; durations are in seconds with explicit buckets.
/// </summary>
public sealed class InferenceMetrics : IDisposable
{
    /// <summary>The meter's name, for exporters.</summary>
    public const string MeterName = "Maas";

    /// <summary>Bucket bounds in seconds: 50 µs to 10 s.</summary>
    public static IReadOnlyList<double> DurationBuckets { get; } =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Bucket bounds for batch sizes.</summary>
    public static IReadOnlyList<long> BatchBuckets { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    private readonly Meter _meter;

    /// <summary>Creates the instruments on a meter of its own.</summary>
    public InferenceMetrics()
    {
        _meter = new Meter(MeterName);
        Requests = _meter.CreateCounter<long>("maas.inference.requests", "{request}", "Inference requests by model, version and outcome (success, error, timeout, rejected, cancelled).");
        Duration = _meter.CreateHistogram("maas.inference.duration", "s", "Time from queueing to response, per request.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        QueueDuration = _meter.CreateHistogram("maas.inference.queue.duration", "s", "Time a request waited in the queue.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        ComputeDuration = _meter.CreateHistogram("maas.inference.compute.duration", "s", "Time of one engine execution (a whole batch).", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        BatchSize = _meter.CreateHistogram("maas.inference.batch.size", "{row}", "Rows per engine execution.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });
        InFlight = _meter.CreateUpDownCounter<long>("maas.inference.in_flight", "{request}", "Requests queued or running.");
    }

    /// <summary>Counts requests by outcome.</summary>
    public Counter<long> Requests { get; }

    /// <summary>End-to-end scheduler time per request.</summary>
    public Histogram<double> Duration { get; }

    /// <summary>Queue wait per request.</summary>
    public Histogram<double> QueueDuration { get; }

    /// <summary>Engine time per execution.</summary>
    public Histogram<double> ComputeDuration { get; }

    /// <summary>Rows per execution.</summary>
    public Histogram<long> BatchSize { get; }

    /// <summary>Requests queued or running now.</summary>
    public UpDownCounter<long> InFlight { get; }

    /// <summary>Registers the response cache's counters (hits, misses, evictions) and its size.</summary>
    public void ObserveResponseCache(Caching.ResponseCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _meter.CreateObservableCounter("maas.response_cache.hits", () => cache.Hits, "{request}", "Requests answered by the response cache.");
        _meter.CreateObservableCounter("maas.response_cache.misses", () => cache.Misses, "{request}", "Requests of caching models that ran the engine.");
        _meter.CreateObservableCounter("maas.response_cache.evictions", () => cache.Evictions, "{entry}", "Entries dropped to stay within the byte budget.");
        _meter.CreateObservableUpDownCounter("maas.response_cache.size", () => cache.Bytes, "By", "Bytes held by the response cache.");
    }

    /// <summary>Registers an observable queue-depth gauge reading <paramref name="observe"/>.</summary>
    public void ObserveQueueDepth(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableUpDownCounter("maas.inference.queue.depth", observe, "{request}", "Requests waiting in model queues.");

    /// <summary>Reports the live sequences of sequence models (pipelines with <c>sequence</c>) through <paramref name="observe"/>.</summary>
    public void ObserveSequences(Func<IEnumerable<Measurement<long>>> observe) =>
        _meter.CreateObservableUpDownCounter("maas.sequences.live", observe, "{sequence}", "Sequences started and neither ended nor expired, per sequence model.");

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
