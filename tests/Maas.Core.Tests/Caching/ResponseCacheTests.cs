using Maas.Core.Caching;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Core.Tests.Caching;

public sealed class ResponseCacheTests
{
    private static InferenceRequest Request(byte value)
    {
        var request = new InferenceRequest("m") { Id = "id" };
        request.Inputs.Add(new Tensor("x", DataType.UInt8, TensorShape.Of(1000), Enumerable.Repeat(value, 1000).ToArray()));
        return request;
    }

    private static Task<InferenceResponse> Answer(byte value)
    {
        var response = new InferenceResponse("m", "1");
        response.Outputs.Add(new Tensor("y", DataType.UInt8, TensorShape.Of(1000), Enumerable.Repeat(value, 1000).ToArray()));
        return Task.FromResult(response);
    }

    [Fact]
    public async Task Entries_BeyondTheBudget_AreEvictedLeastRecentlyUsedFirst()
    {
        // Each entry costs its 1000 tensor bytes + 384 of overhead: three fit in 4500, a fourth evicts the oldest.
        var cache = new ResponseCache(4500);
        var owner = new object();
        var runs = 0;
        async Task Run(byte value)
        {
            using var request = Request(value);
            using var response = await cache.GetOrRunAsync(owner, request, ["y"], () => { runs++; return Answer(value); }, _ => { });
        }

        await Run(1);
        await Run(2);
        await Run(3);
        await Run(1);    // a hit: 1 becomes the most recent
        await Run(4);    // evicts 2, the least recently used

        Assert.Equal(4, runs);
        Assert.Equal(1, cache.Evictions);
        Assert.True(cache.Bytes <= cache.BudgetBytes);
        await Run(1);
        await Run(2);
        Assert.Equal(5, runs);
    }

    [Fact]
    public async Task AnAnswerLargerThanTheBudget_IsNotKept()
    {
        var cache = new ResponseCache(500);
        using var request = Request(1);

        using var response = await cache.GetOrRunAsync(new object(), request, ["y"], () => Answer(1), _ => { });

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public async Task ConcurrentIdenticalRequests_ShareOneRun_AndAFailedRunIsNotCached()
    {
        var cache = new ResponseCache(1 << 20);
        var owner = new object();
        var gate = new TaskCompletionSource();
        var runs = 0;
        async Task<InferenceResponse> Slow()
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return await Answer(7);
        }

        var requests = Enumerable.Range(0, 8).Select(_ => Request(7)).ToArray();
        var calls = requests.Select(r => cache.GetOrRunAsync(owner, r, ["y"], Slow, _ => { })).ToArray();
        await Task.Delay(100);
        gate.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(1, runs);
        Assert.All(answers, a => Assert.Equal(Enumerable.Repeat((byte)7, 1000), a.Outputs[0].Data.ToArray()));
        Assert.Equal(7, cache.Hits);
        foreach (var disposable in answers.Cast<IDisposable>().Concat(requests))
        {
            disposable.Dispose();
        }

        using var failing = Request(8);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrRunAsync(owner, failing, ["y"], () => throw new InvalidOperationException("engine"), _ => { }));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task Invalidate_DropsOnlyThatOwnersEntries()
    {
        var cache = new ResponseCache(1 << 20);
        object a = new(), b = new();
        using var request = Request(3);
        (await cache.GetOrRunAsync(a, request, ["y"], () => Answer(3), _ => { })).Dispose();
        (await cache.GetOrRunAsync(b, request, ["y"], () => Answer(3), _ => { })).Dispose();

        cache.Invalidate(a);

        Assert.Equal(1, cache.Count);
    }
}
