using Maas.Errors;
using Maas.Models;

namespace Maas.Core.Scheduling;

/// <summary>The worker side: form a batch, drop what expired, run, answer.</summary>
public sealed partial class ModelScheduler
{
    /// <summary>
    /// Runs a request on the caller's thread when nothing waits and an instance is idle: the worker
    /// would only run it alone anyway, and the hand-over to another thread costs tens of µs (on
    /// few cores, the two threads also fight for one). Not when a batching delay is configured,
    /// since that asks lone requests to wait for company, nor while a test hook holds the queue.
    /// </summary>
    private bool TryRunInline(PendingRequest pending)
    {
        if (_queue.Count > 0 || (MaxBatchSize > 0 && (_batching.MaxQueueDelay > TimeSpan.Zero || AdaptiveWaitFor(0) > 0)) || _hooks is { HoldUntilQueued: > 0 })
        {
            return false;
        }

        for (var i = 0; i < _instanceGates.Length; i++)
        {
            if (_instanceGates[i].Wait(0))
            {
                try
                {
                    pending.TryTake();
                    Execute(_instances[i], [pending]);
                }
                finally
                {
                    _instanceGates[i].Release();
                }

                return true;
            }
        }

        return false;
    }

    private async Task WorkAsync(IModelInstance instance, SemaphoreSlim gate)
    {
        var stopping = _stopping.Token;
        var batch = new List<PendingRequest>();
        while (!stopping.IsCancellationRequested)
        {
            var changed = _queue.Changed;
            if (IsHeld())
            {
                // Test hook only: also poll, so a test can lift the hold without queueing more.
                await WaitQuietlyAsync(Task.WhenAny(changed, Task.Delay(10, stopping)), stopping);
                continue;
            }

            var first = _queue.TryTakeFirst();
            if (first is null)
            {
                await WaitQuietlyAsync(changed, stopping);
                continue;
            }

            batch.Clear();
            batch.Add(first);
            if (MaxBatchSize > 0)
            {
                await FormBatchAsync(first, batch, stopping);
            }

            await gate.WaitAsync(CancellationToken.None);
            try
            {
                Execute(instance, batch);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private bool IsHeld()
    {
        if (_hooks is not { HoldUntilQueued: > 0 } hooks)
        {
            return false;
        }

        if (_queue.Count < hooks.HoldUntilQueued)
        {
            return true;
        }

        hooks.HoldUntilQueued = 0;
        return false;
    }

    private async Task<long> FormBatchAsync(PendingRequest first, List<PendingRequest> batch, CancellationToken stopping)
    {
        var rows = first.Rows;
        var delayEnd = first.EnqueuedAt + (long)(_batching.MaxQueueDelay.TotalSeconds * _time.TimestampFrequency);
        var adaptive = _batching.MaxQueueDelay == TimeSpan.Zero && _batching.AdaptiveDelay;
        var target = long.MaxValue;
        while (true)
        {
            var changed = _queue.Changed;
            rows += _queue.TakeCompatible(first, MaxBatchSize - rows, batch);
            if (rows >= MaxBatchSize || rows >= target || IsPreferred(rows))
            {
                return rows;
            }

            if (adaptive)
            {
                // Once per batch: smaller than the last one, so the last one's clients are probably
                // about to send again; wait a little for them, never past the last batch's size.
                adaptive = false;
                var wait = AdaptiveWaitFor(rows);
                if (wait > 0)
                {
                    target = Volatile.Read(ref _lastRows);
                    delayEnd = _time.GetTimestamp() + wait;
                }
            }

            var remaining = TimeSpan.FromSeconds((double)(delayEnd - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (remaining <= TimeSpan.Zero)
            {
                return rows;
            }

            try
            {
                await changed.WaitAsync(remaining, _time, stopping);
            }
            catch (TimeoutException)
            {
                // The delay is over: take what arrived in the meantime and go.
                return rows + _queue.TakeCompatible(first, MaxBatchSize - rows, batch);
            }
            catch (OperationCanceledException)
            {
                return rows;
            }
        }
    }

    /// <summary>
    /// The adaptive wait (in timestamp ticks) for a batch of <paramref name="rows"/>: a quarter of
    /// the previous batch's compute time, capped, when the previous batch joined several requests,
    /// had more rows and took at least <see cref="BatchingConfig.MinAdaptiveCompute"/>; else 0.
    /// </summary>
    private long AdaptiveWaitFor(long rows)
    {
        if (!_batching.AdaptiveDelay || _batching.MaxQueueDelay > TimeSpan.Zero)
        {
            return 0;
        }

        var last = Volatile.Read(ref _lastRows);
        if (last <= 1 || rows >= last)
        {
            return 0;
        }

        // A fast model (an MLP's batch takes tens of µs) gains nothing from waiting: its fixed cost
        // is smaller than the hand-over to the worker that running inline avoids.
        var compute = Volatile.Read(ref _lastComputeTicks);
        if (compute < (long)(BatchingConfig.MinAdaptiveCompute.TotalSeconds * _time.TimestampFrequency))
        {
            return 0;
        }

        var cap = (long)(BatchingConfig.MaxAdaptiveDelay.TotalSeconds * _time.TimestampFrequency);
        return Math.Min(compute / 4, cap);
    }

    private bool IsPreferred(long rows)
    {
        foreach (var size in _batching.PreferredBatchSizes)
        {
            if (size == rows)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WaitQuietlyAsync(Task changed, CancellationToken stopping)
    {
        try
        {
            await changed.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends the worker.
        }
    }

    /// <summary>Runs a formed batch on this worker's instance and completes every request in it.</summary>
    private void Execute(IModelInstance instance, List<PendingRequest> batch)
    {
        var now = _time.GetTimestamp();
        long rows = 0;
        for (var i = batch.Count - 1; i >= 0; i--)
        {
            var pending = batch[i];
            if (pending.CancellationToken.IsCancellationRequested)
            {
                pending.Completion.TrySetCanceled(pending.CancellationToken);
                batch.RemoveAt(i);
            }
            else if (pending.Deadline is { } deadline && now > deadline)
            {
                pending.Completion.TrySetException(MaasError.DeadlineExceeded($"The request's timeout passed while it waited in the queue of model '{_modelName}' version {_version}; it was not run. Raise the 'timeout' parameter or add instances."));
                batch.RemoveAt(i);
            }
            else
            {
                var waited = _time.GetElapsedTime(pending.EnqueuedAt, now);
                pending.QueueTime = waited;
                _statistics.Queue.Add(waited);
                _metrics?.QueueDuration.Record(waited.TotalSeconds, _tags);
                rows += pending.Rows;
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            if (batch.Count == 1)
            {
                RunOne(instance, batch[0], rows);
            }
            else
            {
                RunBatch(instance, batch, rows);
            }
        }
#pragma warning disable CA1031 // Whatever the engine throws belongs to the requests of this batch; the worker must live on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var error = ex as MaasError ?? (ex is OperationCanceledException
                ? MaasError.Unavailable($"Model '{_modelName}' version {_version} stopped while running the request.")
                : MaasError.Internal($"Model '{_modelName}' version {_version} failed: {ex.Message}", ex));
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    private void RunOne(IModelInstance instance, PendingRequest pending, long rows)
    {
        var started = _time.GetTimestamp();
        var response = instance.Run(pending.Request, pending.Outputs, _version, pending.CancellationToken);
        var infer = _time.GetElapsedTime(started);
        response.Id = pending.Request.Id;
        response.Timing = new Maas.Inference.InferenceTiming(pending.QueueTime, infer, 1);
        Record(1, rows, TimeSpan.Zero, infer, TimeSpan.Zero);
        if (!pending.Completion.TrySetResult(response))
        {
            response.Dispose();
        }
    }

    private void RunBatch(IModelInstance instance, List<PendingRequest> batch, long rows)
    {
        var t0 = _time.GetTimestamp();
        using var merged = BatchAssembler.Merge(_modelName, batch, rows);
        var t1 = _time.GetTimestamp();
        // A batch serves several clients: one client going away does not cancel the others' work.
        var batchResponse = instance.Run(merged, batch[0].Outputs, _version, CancellationToken.None);
        var t2 = _time.GetTimestamp();
        var responses = BatchAssembler.Split(batchResponse, batch, rows);
        var t3 = _time.GetTimestamp();
        Record(batch.Count, rows, _time.GetElapsedTime(t0, t1), _time.GetElapsedTime(t1, t2), _time.GetElapsedTime(t2, t3));
        var compute = _time.GetElapsedTime(t0, t3);
        for (var i = 0; i < batch.Count; i++)
        {
            responses[i].Timing = new Maas.Inference.InferenceTiming(batch[i].QueueTime, compute, batch.Count);
            if (!batch[i].Completion.TrySetResult(responses[i]))
            {
                responses[i].Dispose();
            }
        }
    }

    private void Record(int requests, long rows, TimeSpan input, TimeSpan infer, TimeSpan output)
    {
        // One request, however many rows, is no group of clients about to come back: nothing to wait for.
        Volatile.Write(ref _lastRows, requests > 1 ? rows : 0);
        Volatile.Write(ref _lastComputeTicks, (long)((input + infer + output).TotalSeconds * _time.TimestampFrequency));
        _statistics.RecordExecution(requests, rows, input, infer, output, _time.GetUtcNow());
        if (_metrics is { } metrics)
        {
            metrics.ComputeDuration.Record((input + infer + output).TotalSeconds, _tags);
            metrics.BatchSize.Record(rows, _tags);
        }
    }
}
