using System.Diagnostics.Metrics;

namespace Maas.Backends.Llama;

/// <summary>
/// Language-model metrics of one model version (meter <see cref="MeterName"/>): time to first
/// token, time per output token, inter-token latency, queue wait, prompt and generated tokens,
/// prompt-prefix cache hits and reused tokens, and gauges for active and queued sequences, KV
/// cache usage and retained prefix tokens. Tagged with model and version.
/// </summary>
public sealed class LlamaMetrics : IDisposable
{
    /// <summary>The meter's name, to add to the exporter.</summary>
    public const string MeterName = "Maas.Llm";

    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _firstToken;
    private readonly Histogram<double> _perOutputToken;
    private readonly Histogram<double> _interToken;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generatedTokens;
    private readonly Counter<long> _prefixHits;
    private readonly Counter<long> _prefixReusedTokens;
    private readonly List<(LlamaEngine Engine, KeyValuePair<string, object?>[] Tags)> _engines = [];
    private readonly Lock _lock = new();

    /// <summary>Creates the instruments.</summary>
    public LlamaMetrics()
    {
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _firstToken = _meter.CreateHistogram("maas.llm.time_to_first_token", "s", "From admission to the queue until the first token is sampled.", advice: advice);
        _perOutputToken = _meter.CreateHistogram("maas.llm.time_per_output_token", "s", "Mean time per generated token after the first, per request.", advice: advice);
        _interToken = _meter.CreateHistogram("maas.llm.inter_token_latency", "s", "Time between two consecutive tokens of a sequence.", advice: advice);
        _queueWait = _meter.CreateHistogram("maas.llm.queue_wait", "s", "Time a sequence waited for a slot.", advice: advice);
        _promptTokens = _meter.CreateCounter<long>("maas.llm.prompt_tokens", "{token}", "Prompt tokens of requests that got a first token, reused ones included.");
        _generatedTokens = _meter.CreateCounter<long>("maas.llm.generated_tokens", "{token}", "Tokens generated.");
        _prefixHits = _meter.CreateCounter<long>("maas.llm.prefix_cache.hits", "{request}", "Admitted requests whose prompt started with a cached prefix.");
        _prefixReusedTokens = _meter.CreateCounter<long>("maas.llm.prefix_cache.reused_tokens", "{token}", "Prompt tokens whose KV was reused from the prefix cache instead of prefilled.");
        _meter.CreateObservableGauge("maas.llm.active_sequences", () => Observe(e => e.ActiveSequences), "{sequence}", "Sequences decoding now.");
        _meter.CreateObservableGauge("maas.llm.queued_sequences", () => Observe(e => e.QueuedSequences), "{sequence}", "Sequences waiting for a slot.");
        _meter.CreateObservableGauge("maas.llm.kv_cache_usage", () => Observe(e => e.KvCacheUsage), "1", "Fraction of KV cache cells in use.");
        _meter.CreateObservableGauge("maas.llm.prefix_cache.tokens", () => Observe(e => e.PrefixCacheTokens), "{token}", "Prompt tokens held by retained prefixes.");
    }

    internal Recorder For(string model, string version) => new(this, [new("model", model), new("version", version)]);

    internal void Register(LlamaEngine engine, KeyValuePair<string, object?>[] tags)
    {
        lock (_lock)
        {
            _engines.Add((engine, tags));
        }
    }

    internal void Unregister(LlamaEngine engine)
    {
        lock (_lock)
        {
            _engines.RemoveAll(e => e.Engine == engine);
        }
    }

    private List<Measurement<T>> Observe<T>(Func<LlamaEngine, T> read)
        where T : struct
    {
        lock (_lock)
        {
            var list = new List<Measurement<T>>(_engines.Count);
            foreach (var (engine, tags) in _engines)
            {
                list.Add(new Measurement<T>(read(engine), tags));
            }

            return list;
        }
    }

    /// <summary>Disposes the meter.</summary>
    public void Dispose() => _meter.Dispose();

    /// <summary>The metrics of one model version.</summary>
    internal sealed class Recorder(LlamaMetrics metrics, KeyValuePair<string, object?>[] tags)
    {
        public KeyValuePair<string, object?>[] Tags => tags;

        public LlamaMetrics Metrics => metrics;

        public void QueueWait(TimeSpan wait) => metrics._queueWait.Record(wait.TotalSeconds, tags);

        public void FirstToken(TimeSpan elapsed, int promptTokens)
        {
            metrics._firstToken.Record(elapsed.TotalSeconds, tags);
            metrics._promptTokens.Add(promptTokens, tags);
        }

        public void PrefixHit(int reusedTokens)
        {
            metrics._prefixHits.Add(1, tags);
            metrics._prefixReusedTokens.Add(reusedTokens, tags);
        }

        public void InterToken(TimeSpan gap) => metrics._interToken.Record(gap.TotalSeconds, tags);

        public void Finished(int generated, TimeSpan sinceFirstToken)
        {
            metrics._generatedTokens.Add(generated, tags);
            if (generated > 1)
            {
                metrics._perOutputToken.Record(sinceFirstToken.TotalSeconds / (generated - 1), tags);
            }
        }
    }
}
