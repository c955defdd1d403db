using System.Net;
using System.Runtime.InteropServices;
using Maas.Core.Scheduling;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using Microsoft.Extensions.DependencyInjection;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

/// <summary>The scheduler seen through HTTP, on a real ONNX model.</summary>
public sealed class SchedulingTests
{
    [Fact]
    public async Task EightConcurrentRequests_FormOneBatch_WithResultsIdenticalToUnbatchedRuns()
    {
        using var repository = new TestRepository().AddModel("cnn", 1, TestModelFactory.SmallConvNet());
        var hooks = new SchedulerHooks { HoldUntilQueued = 8 };
        await using var server = await InMemoryServer.StartAsync(repository.Root, configure: b => b.Services.AddSingleton(hooks));
        var images = Enumerable.Range(0, 8).Select(Image).ToArray();

        var batched = await Task.WhenAll(images.Select(image => InferAsync(server.Client, image)));
        var alone = new List<byte[]>();
        foreach (var image in images)
        {
            alone.Add(await InferAsync(server.Client, image));
        }

        for (var i = 0; i < images.Length; i++)
        {
            Assert.Equal(alone[i], batched[i]);
        }

        Assert.NotEqual(batched[0], batched[1]);
        using var stats = await server.Client.GetAsync("/v2/models/cnn/versions/1/stats");
        var model = (await ReadJsonAsync(stats))["model_stats"]![0]!;
        Assert.Equal(16, model["inference_count"]!.GetValue<long>());
        Assert.Equal(9, model["execution_count"]!.GetValue<long>());
        var batchSizes = model["batch_stats"]!.AsArray().Select(b => b!["batch_size"]!.GetValue<long>()).ToArray();
        Assert.Equal([1L, 8L], batchSizes);
    }

    [Fact]
    public async Task FullQueue_Answers429WithRetryAfter_AndServesOnceItDrains()
    {
        using var repository = new TestRepository()
            .AddModel("cnn", 1, TestModelFactory.SmallConvNet())
            .AddConfig("cnn", """{"queue": {"max_queue_size": 1}}""");
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var server = await InMemoryServer.StartAsync(repository.Root, configure: b => b.Services.AddSingleton(hooks));

        var waiting = InferAsync(server.Client, Image(1));
        await WaitForQueueAsync(server.Client);
        using var rejected = await server.Client.PostAsync("/v2/models/cnn/infer", Binary(Header, Image(2)));

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("1", rejected.Headers.GetValues("Retry-After").Single());
        Assert.Contains("queue.max_queue_size", await ReadErrorAsync(rejected));
        hooks.HoldUntilQueued = 0;
        Assert.NotEmpty(await waiting);
    }

    [Fact]
    public async Task TimeoutParameter_ExpiredInQueue_Answers504AndTheRequestNeverRuns()
    {
        using var repository = new TestRepository().AddModel("cnn", 1, TestModelFactory.SmallConvNet());
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 };
        await using var server = await InMemoryServer.StartAsync(repository.Root, configure: b => b.Services.AddSingleton(hooks));

        var header = Header.TrimEnd('}') + """, "parameters": {"timeout": 20000}}""";
        using var response = await server.Client.PostAsync("/v2/models/cnn/infer", Binary(header, Image(1)));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("timeout", await ReadErrorAsync(response));
        using var stats = await server.Client.GetAsync("/v2/models/cnn/stats");
        var model = (await ReadJsonAsync(stats))["model_stats"]![0]!;
        Assert.Equal(0, model["execution_count"]!.GetValue<long>());
        Assert.Equal(1, model["inference_stats"]!["fail"]!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Metrics_ExposeRequestCountsAndDurationsForPrometheus()
    {
        using var repository = new TestRepository().AddModel("cnn", 1, TestModelFactory.SmallConvNet());
        await using var server = await InMemoryServer.StartAsync(repository.Root);
        await InferAsync(server.Client, Image(1));

        var text = await server.Client.GetStringAsync("/metrics");

        Assert.Contains("maas_inference_requests_total{otel_scope_name=\"Maas\",model=\"cnn\",outcome=\"success\",version=\"1\"} 1", text);
        Assert.Contains("maas_inference_duration_seconds_bucket", text);
        Assert.Contains("maas_inference_queue_duration_seconds_count", text);
        Assert.Contains("maas_inference_batch_size_bucket", text);
        Assert.Contains("maas_inference_queue_depth", text);
    }

    private const string Header = """{"inputs": [{"name": "input", "shape": [1, 1, 28, 28], "datatype": "FP32", "parameters": {"binary_data_size": 3136}}], "outputs": [{"name": "logits", "parameters": {"binary_data": true}}]}""";

    private static byte[] Image(int seed)
    {
        var random = new Random(seed);
        var pixels = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray();
        return MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray();
    }

    private static async Task<byte[]> InferAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync("/v2/models/cnn/infer", Binary(Header, image));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadBinaryAsync(response)).Binary;
    }

    private static async Task WaitForQueueAsync(HttpClient client)
    {
        for (var i = 0; i < 500; i++)
        {
            var text = await client.GetStringAsync("/metrics");
            if (text.Contains("maas_inference_queue_depth{otel_scope_name=\"Maas\",model=\"cnn\",version=\"1\"} 1", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("the request never queued");
    }
}
