using System.Runtime.InteropServices;
using Maas.Core.Repository;
using Maas.Core.Scheduling;
using Maas.Core.Telemetry;
using Maas.Errors;
using Maas.Inference;
using Maas.Tensors;
using Microsoft.Extensions.Time.Testing;

namespace Maas.Core.Tests.Scheduling;

public sealed class ModelSchedulerTests
{
    private static readonly string[] Outputs = ["y"];

    [Fact]
    public async Task Enqueue_WhenRequestsAreHeldUntilFourQueue_RunsThemAsOneBatchAndSplitsEachAnswer()
    {
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 4 };
        await using var scheduler = Create(instance, new ModelConfig(), hooks: hooks);

        var requests = Enumerable.Range(1, 4).Select(i => Request(rows: 1, first: i)).ToArray();
        var responses = await Task.WhenAll(requests.Select(r => scheduler.EnqueueAsync(r, Outputs, CancellationToken.None)));

        Assert.Equal([4L], instance.BatchRows);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(TensorShape.Of(1, 2), responses[i].Outputs[0].Shape);
            Assert.Equal([2f * (i + 1), 2f * (i + 1) + 2], Floats(responses[i]));
            Assert.Equal(requests[i].Id, responses[i].Id);
            responses[i].Dispose();
        }

        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WhenMoreRowsQueueThanMaxBatchSize_FormsBatchesOfAtMostMax()
    {
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 10 };
        await using var scheduler = Create(instance, new ModelConfig { Batching = new BatchingConfig { MaxBatchSize = 4 } }, hooks: hooks);

        var requests = Enumerable.Range(1, 10).Select(i => Request(rows: 1, first: i)).ToArray();
        await RunAllAsync(scheduler, requests);

        Assert.Equal([4L, 4L, 2L], instance.BatchRows);
        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WhenShapesDifferPastTheBatchDimension_DoesNotBatchThemTogether()
    {
        var instance = new EchoInstance();
        var metadata = new Maas.Models.ModelMetadata("fake", [new("x", DataType.Fp32, TensorShape.Of(-1, -1))], [new("y", DataType.Fp32, TensorShape.Of(-1, -1))]);
        var hooks = new SchedulerHooks { HoldUntilQueued = 4 };
        await using var scheduler = Create(instance, new ModelConfig(), hooks: hooks, metadata: metadata);

        var requests = new[] { Request(1, 1, width: 2), Request(1, 2, width: 3), Request(1, 3, width: 2), Request(1, 4, width: 3) };
        await RunAllAsync(scheduler, requests);

        Assert.Equal([2L, 2L], instance.BatchRows);
        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WithBatchingOff_RunsOneRequestPerExecution()
    {
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 3 };
        await using var scheduler = Create(instance, new ModelConfig { Batching = new BatchingConfig { MaxBatchSize = 0 } }, hooks: hooks);

        var requests = Enumerable.Range(1, 3).Select(i => Request(rows: 2, first: i)).ToArray();
        await RunAllAsync(scheduler, requests);

        Assert.Equal([2L, 2L, 2L], instance.BatchRows);
        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WithADelay_WaitsForTheDelayThenRunsWhatCame()
    {
        var time = new FakeTimeProvider();
        var instance = new EchoInstance();
        var config = new ModelConfig { Batching = new BatchingConfig { MaxQueueDelay = TimeSpan.FromMilliseconds(100) } };
        await using var scheduler = Create(instance, config, time: time);

        using var first = Request(1, 1);
        var answer = scheduler.EnqueueAsync(first, Outputs, CancellationToken.None);
        await WaitUntilAsync(() => scheduler.QueueDepth == 0);
        using var second = Request(1, 2);
        var secondAnswer = scheduler.EnqueueAsync(second, Outputs, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(answer.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(100));
        (await answer).Dispose();
        (await secondAnswer).Dispose();

        Assert.Equal([2L], instance.BatchRows);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Enqueue_AfterASlowBatchOfFour_AdaptiveDelayWaitsForTheNextRequestsToBatchThem(bool adaptive)
    {
        var time = new FakeTimeProvider();
        var instance = new EchoInstance { OnRun = () => time.Advance(TimeSpan.FromMilliseconds(40)) };
        var hooks = new SchedulerHooks { HoldUntilQueued = 4 };
        var config = new ModelConfig { Batching = new BatchingConfig { AdaptiveDelay = adaptive } };
        await using var scheduler = Create(instance, config, time: time, hooks: hooks);
        var held = Enumerable.Range(1, 4).Select(i => Request(1, i)).ToArray();
        await RunAllAsync(scheduler, held);
        instance.OnRun = null;

        // The batch of 4 took 40 ms: the next, smaller batch may wait min(40 / 4, 5) ms for the rest.
        using var a = Request(1, 10);
        using var b = Request(1, 20);
        var first = scheduler.EnqueueAsync(a, Outputs, CancellationToken.None);
        await Task.Delay(50);
        Assert.Equal(!adaptive, first.IsCompleted);
        var second = scheduler.EnqueueAsync(b, Outputs, CancellationToken.None);
        await Task.Delay(50);
        Assert.Equal(!adaptive, second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(5));
        (await first).Dispose();
        (await second).Dispose();

        Assert.Equal(adaptive ? [4L, 2L] : [4L, 1L, 1L], instance.BatchRows);
        Dispose(held);
    }

    [Fact]
    public async Task Enqueue_AfterAFastBatch_AdaptiveDelayDoesNotWaitAndRunsOnTheCallersThread()
    {
        var time = new FakeTimeProvider();
        // Half of MinAdaptiveCompute: a quarter of it would still be a wait, were the threshold not checked.
        var instance = new EchoInstance { OnRun = () => time.Advance(BatchingConfig.MinAdaptiveCompute / 2) };
        var hooks = new SchedulerHooks { HoldUntilQueued = 4 };
        await using var scheduler = Create(instance, new ModelConfig(), time: time, hooks: hooks);
        var held = Enumerable.Range(1, 4).Select(i => Request(1, i)).ToArray();
        await RunAllAsync(scheduler, held);

        // The batch took less than MinAdaptiveCompute: nothing is gained by waiting.
        using var lone = Request(1, 10);
        var answer = scheduler.EnqueueAsync(lone, Outputs, CancellationToken.None);

        Assert.True(answer.IsCompleted);
        (await answer).Dispose();
        Assert.Equal([4L, 1L], instance.BatchRows);
        Dispose(held);
    }

    [Fact]
    public async Task Enqueue_AfterASlowSingleRequestOfFourRows_AdaptiveDelayDoesNotWait()
    {
        var time = new FakeTimeProvider();
        var instance = new EchoInstance { OnRun = () => time.Advance(TimeSpan.FromMilliseconds(40)) };
        await using var scheduler = Create(instance, new ModelConfig(), time: time);
        using var big = Request(4, 1);
        (await scheduler.EnqueueAsync(big, Outputs, CancellationToken.None)).Dispose();

        // One client's batch of 4 rows is not four clients about to send again.
        using var lone = Request(1, 10);
        var answer = scheduler.EnqueueAsync(lone, Outputs, CancellationToken.None);

        Assert.True(answer.IsCompleted);
        (await answer).Dispose();
        Assert.Equal([4L, 1L], instance.BatchRows);
    }

    [Fact]
    public async Task Enqueue_WhenAPreferredSizeIsReached_RunsWithoutWaitingForTheDelay()
    {
        var time = new FakeTimeProvider();
        var instance = new EchoInstance();
        var config = new ModelConfig { Batching = new BatchingConfig { PreferredBatchSizes = [2], MaxQueueDelay = TimeSpan.FromSeconds(5) } };
        await using var scheduler = Create(instance, config, time: time);

        var requests = new[] { Request(1, 1), Request(1, 2) };
        await RunAllAsync(scheduler, requests);

        Assert.Equal([2L], instance.BatchRows);
        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WhenQueueIsFull_ThrowsResourceExhaustedNamingTheLimit()
    {
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var scheduler = Create(new EchoInstance(), new ModelConfig { Queue = new QueuePolicy { MaxQueueSize = 2 } }, hooks: hooks);
        var requests = Enumerable.Range(1, 3).Select(i => Request(1, i)).ToArray();
        var waiting = requests[..2].Select(r => scheduler.EnqueueAsync(r, Outputs, CancellationToken.None)).ToArray();

        var error = await Assert.ThrowsAsync<MaasError>(() => scheduler.EnqueueAsync(requests[2], Outputs, CancellationToken.None));

        Assert.Equal(MaasErrorCode.ResourceExhausted, error.Code);
        Assert.Contains("is full (2 requests waiting, queue.max_queue_size)", error.Message);
        hooks.HoldUntilQueued = 0;
        foreach (var response in await Task.WhenAll(waiting))
        {
            response.Dispose();
        }

        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WhenTimeoutPassesInTheQueue_ThrowsDeadlineExceededAndNeverRuns()
    {
        var time = new FakeTimeProvider();
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var scheduler = Create(instance, new ModelConfig { Queue = new QueuePolicy { DefaultTimeout = TimeSpan.FromMilliseconds(10) } }, time: time, hooks: hooks);
        using var request = Request(1, 1);

        var answer = scheduler.EnqueueAsync(request, Outputs, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(11));
        var error = await Assert.ThrowsAsync<MaasError>(() => answer);

        Assert.Equal(MaasErrorCode.DeadlineExceeded, error.Code);
        Assert.Equal(0, scheduler.QueueDepth);
        hooks.HoldUntilQueued = 0;
        using var next = Request(1, 5);
        (await scheduler.EnqueueAsync(next, Outputs, CancellationToken.None)).Dispose();
        Assert.Equal([5f], instance.FirstValues);
    }

    [Fact]
    public async Task Enqueue_TimeoutParameter_OverridesTheDefault()
    {
        var time = new FakeTimeProvider();
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var scheduler = Create(new EchoInstance(), new ModelConfig(), time: time, hooks: hooks);
        using var request = Request(1, 1);
        request.Parameters = new() { ["timeout"] = 5000L };

        var answer = scheduler.EnqueueAsync(request, Outputs, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(6));

        Assert.Equal(MaasErrorCode.DeadlineExceeded, (await Assert.ThrowsAsync<MaasError>(() => answer)).Code);
    }

    [Fact]
    public async Task Enqueue_WithPriorities_RunsLevelOneFirst()
    {
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 3 };
        var config = new ModelConfig { Batching = new BatchingConfig { MaxBatchSize = 0 }, Queue = new QueuePolicy { PriorityLevels = 2 } };
        await using var scheduler = Create(instance, config, hooks: hooks);

        var low1 = Request(1, 1);
        var low2 = Request(1, 2);
        var high = Request(1, 3);
        high.Parameters = new() { ["priority"] = 1L };
        await RunAllAsync(scheduler, [low1, low2, high]);

        Assert.Equal([3f, 1f, 2f], instance.FirstValues);
        Dispose([low1, low2, high]);
    }

    [Fact]
    public async Task Enqueue_WhenClientCancelsWhileQueued_DropsTheRequestBeforeItRuns()
    {
        var instance = new EchoInstance();
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var scheduler = Create(instance, new ModelConfig(), hooks: hooks);
        using var request = Request(1, 1);
        using var client = new CancellationTokenSource();

        var answer = scheduler.EnqueueAsync(request, Outputs, client.Token);
        await client.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);

        Assert.Equal(0, scheduler.QueueDepth);
        hooks.HoldUntilQueued = 0;
        using var next = Request(1, 7);
        (await scheduler.EnqueueAsync(next, Outputs, CancellationToken.None)).Dispose();
        Assert.Equal([7f], instance.FirstValues);
    }

    [Fact]
    public async Task Enqueue_WithTwoInstances_RunsTwoRequestsAtOnce()
    {
        var one = new EchoInstance(gated: true);
        var two = new EchoInstance(gated: true);
        await using var scheduler = Create([one, two], new ModelConfig { Batching = new BatchingConfig { MaxBatchSize = 0 } });
        var requests = new[] { Request(1, 1), Request(1, 2) };

        // An idle instance may run a request on the caller's thread, so each client gets its own.
        var answers = requests.Select(r => Task.Run(() => scheduler.EnqueueAsync(r, Outputs, CancellationToken.None))).ToArray();
        await WaitUntilAsync(() => scheduler.QueueDepth == 0 && one.Waiting + two.Waiting == 2);
        one.Release();
        two.Release();
        foreach (var response in await Task.WhenAll(answers))
        {
            response.Dispose();
        }

        Assert.Single(one.BatchRows);
        Assert.Single(two.BatchRows);
        Dispose(requests);
    }

    [Fact]
    public async Task Enqueue_WhenQueueIsEmptyAndAnInstanceIdle_RunsOnTheCallersThread()
    {
        var instance = new EchoInstance();
        await using var scheduler = Create(instance, new ModelConfig());
        using var request = Request(1, 1);
        var caller = Environment.CurrentManagedThreadId;

        var answer = scheduler.EnqueueAsync(request, Outputs, CancellationToken.None);

        Assert.True(answer.IsCompleted);
        Assert.Equal([caller], instance.Threads);
        (await answer).Dispose();
    }

    [Fact]
    public async Task Enqueue_RecordsTritonStatistics()
    {
        var statistics = new InferenceStatistics();
        var hooks = new SchedulerHooks { HoldUntilQueued = 2 };
        await using var scheduler = Create([new EchoInstance()], new ModelConfig(), hooks: hooks, statistics: statistics);

        var requests = new[] { Request(1, 1), Request(1, 2) };
        await RunAllAsync(scheduler, requests);

        Assert.Equal(2, statistics.Success.Count);
        Assert.Equal(2, statistics.Queue.Count);
        Assert.Equal(2, statistics.InferenceCount);
        Assert.Equal(1, statistics.ExecutionCount);
        Assert.Equal(2, Assert.Single(statistics.Batches).BatchSize);
        Dispose(requests);
    }

    [Fact]
    public void ResolveMaxBatchSize_WhenConfigBatchesAModelWithFixedFirstDimension_ExplainsWhy()
    {
        var metadata = new Maas.Models.ModelMetadata("fake", [new("x", DataType.Fp32, TensorShape.Of(1, 2))], [new("y", DataType.Fp32, TensorShape.Of(-1, 2))]);

        var error = Assert.Throws<MaasError>(() => ModelScheduler.ResolveMaxBatchSize("m", metadata, new BatchingConfig { MaxBatchSize = 4 }));

        Assert.Contains("input 'x' has shape [1,2]", error.Message);
        Assert.Equal(0, ModelScheduler.ResolveMaxBatchSize("m", metadata, new BatchingConfig()));
        Assert.Equal(BatchingConfig.DefaultMaxBatchSize, ModelScheduler.ResolveMaxBatchSize("m", EchoInstance.Metadata, new BatchingConfig()));
    }

    [Fact]
    public async Task Enqueue_WhenRowsExceedMaxBatchSize_ThrowsInvalidArgument()
    {
        await using var scheduler = Create(new EchoInstance(), new ModelConfig { Batching = new BatchingConfig { MaxBatchSize = 2 } });
        using var request = Request(rows: 3, first: 1);

        var error = await Assert.ThrowsAsync<MaasError>(() => scheduler.EnqueueAsync(request, Outputs, CancellationToken.None));

        Assert.Contains("batch of 3 rows, over max_batch_size 2", error.Message);
    }

    [Fact]
    public async Task Dispose_DisposesTheInstances()
    {
        var instance = new EchoInstance();
        var scheduler = Create(instance, new ModelConfig());
        await scheduler.DisposeAsync();
        Assert.True(instance.IsDisposed);
    }

    private static ModelScheduler Create(EchoInstance instance, ModelConfig config, TimeProvider? time = null, SchedulerHooks? hooks = null, Maas.Models.ModelMetadata? metadata = null) =>
        new("fake", "1", metadata ?? EchoInstance.Metadata, config, [instance], new InferenceStatistics(), time: time, hooks: hooks);

    private static ModelScheduler Create(EchoInstance[] instances, ModelConfig config, SchedulerHooks? hooks = null, InferenceStatistics? statistics = null) =>
        new("fake", "1", EchoInstance.Metadata, config, instances, statistics ?? new InferenceStatistics(), hooks: hooks);

    /// <summary>A request whose x has <paramref name="rows"/> rows of <paramref name="width"/> values first, first+1, ...</summary>
    private static InferenceRequest Request(long rows, int first, int width = 2)
    {
        var values = Enumerable.Range(0, (int)rows * width).Select(i => (float)(first + i)).ToArray();
        var request = new InferenceRequest("fake") { Id = $"r{first}" };
        request.Inputs.Add(new Tensor("x", DataType.Fp32, TensorShape.Of(rows, width), MemoryMarshal.AsBytes(values.AsSpan()).ToArray()));
        return request;
    }

    private static async Task RunAllAsync(ModelScheduler scheduler, InferenceRequest[] requests)
    {
        foreach (var response in await Task.WhenAll(requests.Select(r => scheduler.EnqueueAsync(r, Outputs, CancellationToken.None))))
        {
            response.Dispose();
        }
    }

    private static float[] Floats(InferenceResponse response) => MemoryMarshal.Cast<byte, float>(response.Outputs[0].Data.Span).ToArray();

    private static void Dispose(IEnumerable<InferenceRequest> requests)
    {
        foreach (var request in requests)
        {
            request.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
