using Maas.Core.Repository;
using Maas.Core.Telemetry;
using Maas.Errors;
using Maas.Inference;
using Maas.Models;
using Maas.Tensors;

namespace Maas.Core.Scheduling;

/// <summary>
/// The scheduler of one model version: a bounded priority queue feeding one worker per engine
/// instance. Each worker takes the first request and, when the model batches, every queued
/// request that can share its batch (same shapes past the batch dimension, same outputs) up to
/// <c>max_batch_size</c>, waiting at most <c>max_queue_delay</c> for more. Expired and
/// cancelled requests are dropped before they run. Results of a batch equal those of running each
/// request alone: rows are independent in a batchable model.
/// </summary>
public sealed partial class ModelScheduler : IAsyncDisposable
{
    private readonly string _modelName;
    private readonly string _version;
    private readonly ModelMetadata _metadata;
    private readonly BatchingConfig _batching;
    // The last execution's rows (0 when it ran one request) and compute time (timestamp ticks), for
    // the adaptive batching wait.
    private long _lastRows;
    private long _lastComputeTicks;
    private readonly QueuePolicy _policy;
    private readonly IReadOnlyList<IModelInstance> _instances;
    private readonly InferenceStatistics _statistics;
    private readonly InferenceMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly SchedulerHooks? _hooks;
    private readonly RequestQueue _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private readonly SemaphoreSlim[] _instanceGates;
    private readonly KeyValuePair<string, object?>[] _tags;

    /// <summary>
    /// Starts the workers. Takes ownership of <paramref name="instances"/> (disposed with the
    /// scheduler). Throws InvalidArgument when the config asks to batch a model that cannot.
    /// </summary>
    public ModelScheduler(string modelName, string version, ModelMetadata metadata, ModelConfig config, IReadOnlyList<IModelInstance> instances, InferenceStatistics statistics, InferenceMetrics? metrics = null, TimeProvider? time = null, SchedulerHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(instances);
        _modelName = modelName;
        _version = version;
        _metadata = metadata;
        _batching = config.Batching;
        _policy = config.Queue;
        _instances = instances;
        _statistics = statistics;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _hooks = hooks;
        MaxBatchSize = ResolveMaxBatchSize(modelName, metadata, config.Batching);
        _queue = new RequestQueue(_policy.MaxQueueSize, _policy.PriorityLevels);
        _tags = [new("model", modelName), new("version", version)];
        _workers = new Task[instances.Count];
        _instanceGates = new SemaphoreSlim[instances.Count];
        for (var i = 0; i < _workers.Length; i++)
        {
            var instance = instances[i];
            var gate = _instanceGates[i] = new SemaphoreSlim(1, 1);
            _workers[i] = Task.Run(() => WorkAsync(instance, gate));
        }
    }

    /// <summary>Largest batch formed, in rows; 0 when the model runs one request at a time.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Requests waiting now.</summary>
    public int QueueDepth => _queue.Count;

    /// <summary>
    /// The effective <c>max_batch_size</c>: the configured one, or <see cref="BatchingConfig.DefaultMaxBatchSize"/>
    /// when the model can batch (every input and output has a dynamic first dimension), else 0.
    /// </summary>
    public static int ResolveMaxBatchSize(string modelName, ModelMetadata metadata, BatchingConfig batching)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(batching);
        var blocker = FindBatchBlocker(metadata);
        if (batching.MaxBatchSize is null)
        {
            return blocker is null ? BatchingConfig.DefaultMaxBatchSize : 0;
        }

        if (batching.MaxBatchSize > 0 && blocker is not null)
        {
            throw MaasError.InvalidArgument($"config.json of model '{modelName}' sets max_batch_size {batching.MaxBatchSize}, but {blocker}; batching needs a dynamic first dimension (-1) on every input and output. Set max_batch_size to 0.");
        }

        return batching.MaxBatchSize.Value;
    }

    private static string? FindBatchBlocker(ModelMetadata metadata)
    {
        foreach (var (kind, tensors) in new[] { ("input", metadata.Inputs), ("output", metadata.Outputs) })
        {
            foreach (var tensor in tensors)
            {
                if (tensor.Shape.Rank == 0 || tensor.Shape[0] != TensorShape.Dynamic)
                {
                    return $"{kind} '{tensor.Name}' has shape {tensor.Shape}";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Queues a validated request and completes with its response, which the caller owns. The
    /// request stays owned by the caller and must outlive the returned task. Throws ResourceExhausted
    /// when the queue is full, DeadlineExceeded when the request's timeout passes before it runs,
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    public async Task<InferenceResponse> EnqueueAsync(InferenceRequest request, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        var priority = ReadPriority(request);
        var timeout = ReadTimeout(request);
        var ordered = OrderInputs(request);
        var rows = BatchRows(ordered);
        long? deadline = timeout is { } t ? started + (long)(t.TotalSeconds * _time.TimestampFrequency) : null;
        var pending = new PendingRequest(request, ordered, outputs, rows, priority, started, deadline, cancellationToken);

        if (!TryRunInline(pending) && !_queue.TryEnqueue(pending))
        {
            Finish(started, "rejected");
            throw MaasError.ResourceExhausted($"The queue of model '{_modelName}' version {_version} is full ({_policy.MaxQueueSize} requests waiting, queue.max_queue_size); retry later or raise the limit.");
        }

        _metrics?.InFlight.Add(1, _tags);
        try
        {
            var response = await WaitAsync(pending, timeout, cancellationToken);
            Finish(started, "success");
            return response;
        }
        catch (MaasError ex)
        {
            Finish(started, ex.Code == MaasErrorCode.DeadlineExceeded ? "timeout" : "error");
            throw;
        }
        catch (OperationCanceledException)
        {
            Finish(started, "cancelled");
            throw;
        }
        finally
        {
            _metrics?.InFlight.Add(-1, _tags);
        }
    }

    private async Task<InferenceResponse> WaitAsync(PendingRequest pending, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var completion = pending.Completion.Task;
        try
        {
            return timeout is { } t
                ? await completion.WaitAsync(t, _time, cancellationToken)
                : await completion.WaitAsync(cancellationToken);
        }
        catch (TimeoutException) when (pending.TryAbandon())
        {
            _queue.Forget(pending);
            throw MaasError.DeadlineExceeded($"The request waited {timeout!.Value.TotalMilliseconds:0.###} ms in the queue of model '{_modelName}' version {_version}, its timeout, and was not run; raise the 'timeout' parameter (microseconds) or queue.default_timeout_microseconds, or add instances.");
        }
        catch (TimeoutException)
        {
            // Already running: a started execution is not interrupted; its answer is still the answer.
            return await completion;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (pending.TryAbandon())
            {
                _queue.Forget(pending);
            }
            else
            {
                // Running in a batch: release its response when it arrives, nobody will read it.
                _ = completion.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationContinuationOptions, TaskScheduler.Default);
            }

            throw;
        }
    }

    private const TaskContinuationOptions TaskContinuationContinuationOptions = TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously;

    private void Finish(long started, string outcome)
    {
        var elapsed = _time.GetElapsedTime(started);
        (outcome == "success" ? _statistics.Success : _statistics.Fail).Add(elapsed);
        if (_metrics is { } metrics)
        {
            metrics.Requests.Add(1, [_tags[0], _tags[1], new("outcome", outcome)]);
            metrics.Duration.Record(elapsed.TotalSeconds, _tags);
        }
    }

    private int ReadPriority(InferenceRequest request)
    {
        var levels = _policy.PriorityLevels;
        var fallback = _policy.DefaultPriorityLevel ?? levels;
        if (request.Parameters is null || !request.Parameters.TryGetValue("priority", out var value))
        {
            return fallback;
        }

        return value switch
        {
            long p when p == 0 => fallback,
            long p when p >= 1 && p <= levels => (int)p,
            _ => throw MaasError.InvalidArgument($"Parameter 'priority' is {value}; model '{_modelName}' has priority levels 1 (first) to {levels}, and 0 means its default ({fallback})."),
        };
    }

    private TimeSpan? ReadTimeout(InferenceRequest request)
    {
        if (request.Parameters is null || !request.Parameters.TryGetValue("timeout", out var value))
        {
            return _policy.DefaultTimeout;
        }

        if (value is not long micros || micros < 0)
        {
            throw MaasError.InvalidArgument($"Parameter 'timeout' is {value}; it is a non-negative integer of microseconds (0 = the model's default).");
        }

        if (!_policy.AllowTimeoutOverride || micros == 0)
        {
            return _policy.DefaultTimeout;
        }

        return TimeSpan.FromMicroseconds(micros);
    }

    private Tensor[] OrderInputs(InferenceRequest request)
    {
        var ordered = new Tensor[_metadata.Inputs.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            foreach (var input in request.Inputs)
            {
                if (string.Equals(input.Name, _metadata.Inputs[i].Name, StringComparison.Ordinal))
                {
                    ordered[i] = input;
                    break;
                }
            }
        }

        return ordered;
    }

    private long BatchRows(Tensor[] inputs)
    {
        if (MaxBatchSize == 0 || inputs.Length == 0)
        {
            return 1;
        }

        var rows = inputs[0].Shape[0];
        foreach (var input in inputs)
        {
            if (input.Shape[0] != rows)
            {
                throw MaasError.InvalidArgument($"Model '{_modelName}' batches along the first dimension, so every input needs the same first dimension; '{inputs[0].Name}' has {rows} and '{input.Name}' has {input.Shape[0]}.");
            }
        }

        if (rows > MaxBatchSize)
        {
            throw MaasError.InvalidArgument($"The request has a batch of {rows} rows, over max_batch_size {MaxBatchSize} of model '{_modelName}'; split it or raise max_batch_size in config.json.");
        }

        return rows;
    }

    /// <summary>Stops the workers once they finish what they run, fails what still waits, releases the instances.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _queue.Wake();
        await Task.WhenAll(_workers);
        foreach (var pending in _queue.Drain())
        {
            pending.Completion.TrySetException(MaasError.Unavailable($"Model '{_modelName}' version {_version} is unloading; retry to reach the version that replaces it."));
        }

        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        foreach (var gate in _instanceGates)
        {
            gate.Dispose();
        }

        _stopping.Dispose();
    }
}
