using System.Net;
using System.Text.Json.Nodes;
using Maas.Core.Lifecycle;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using Microsoft.Extensions.DependencyInjection;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

/// <summary>The response cache on the real server and a real model: hits skip the engine and answer the same bytes.</summary>
public sealed class ResponseCacheTests : IAsyncLifetime
{
    private readonly TestRepository _repository = new TestRepository()
        .AddModel("cached", 1, TestModelFactory.SmallConvNet())
        .AddModel("cached", 2, TestModelFactory.SmallConvNet(seed: 9))
        .AddConfig("cached", """{"version_policy": {"all": {}}, "response_cache": {"enabled": true}}""")
        .AddModel("plain", 1, TestModelFactory.SmallConvNet());

    private InMemoryServer _server = null!;

    public async Task InitializeAsync() => _server = await InMemoryServer.StartAsync(_repository.Root, o => o with { ResponseCacheBytes = 1 << 20 });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    private static string Body(float value, string id = "r") =>
        $$"""{"id": "{{id}}", "inputs": [{"name": "input", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": [{{string.Join(",", Enumerable.Repeat(value.ToString(System.Globalization.CultureInfo.InvariantCulture), 784))}}]}]}""";

    private async Task<JsonNode> InferAsync(string path, string body)
    {
        using var response = await _server.Client.PostAsync(path, Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    private async Task<(long Hits, long Misses, long Executions)> StatsAsync(string model, string version)
    {
        using var stats = await _server.Client.GetAsync($"/v2/models/{model}/versions/{version}/stats");
        var entry = (await ReadJsonAsync(stats))["model_stats"]![0]!;
        var inference = entry["inference_stats"]!;
        return (inference["cache_hit"]!["count"]!.GetValue<long>(), inference["cache_miss"]!["count"]!.GetValue<long>(), entry["execution_count"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnIdenticalRequest_IsAnsweredFromTheCache_WithTheSameBytes_AndItsOwnId()
    {
        var first = await InferAsync("/v2/models/cached/versions/1/infer", Body(0.25f, "a"));
        var second = await InferAsync("/v2/models/cached/versions/1/infer", Body(0.25f, "b"));

        Assert.Equal(first["outputs"]!.ToJsonString(), second["outputs"]!.ToJsonString());
        Assert.Equal("b", second["id"]!.GetValue<string>());
        Assert.Equal((1L, 1L, 1L), await StatsAsync("cached", "1"));
    }

    [Fact]
    public async Task DifferentInputsOrVersions_NeverShareAnAnswer()
    {
        var v1 = await InferAsync("/v2/models/cached/versions/1/infer", Body(0.5f));
        var v1Other = await InferAsync("/v2/models/cached/versions/1/infer", Body(0.75f));
        var v2 = await InferAsync("/v2/models/cached/versions/2/infer", Body(0.5f));

        Assert.NotEqual(v1["outputs"]!.ToJsonString(), v1Other["outputs"]!.ToJsonString());
        Assert.NotEqual(v1["outputs"]!.ToJsonString(), v2["outputs"]!.ToJsonString());
        Assert.Equal((0L, 2L, 2L), await StatsAsync("cached", "1"));
        Assert.Equal((0L, 1L, 1L), await StatsAsync("cached", "2"));
    }

    [Fact]
    public async Task AModelWithoutTheCache_RunsEveryRequest()
    {
        await InferAsync("/v2/models/plain/infer", Body(0.5f));
        await InferAsync("/v2/models/plain/infer", Body(0.5f));

        Assert.Equal((0L, 0L, 2L), await StatsAsync("plain", "1"));
    }

    [Fact]
    public async Task ConcurrentIdenticalRequests_RunTheEngineOnce()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => InferAsync("/v2/models/cached/versions/2/infer", Body(0.125f))));

        Assert.Single(answers.Select(a => a["outputs"]!.ToJsonString()).Distinct());
        var (hits, misses, executions) = await StatsAsync("cached", "2");
        Assert.Equal((11L, 1L, 1L), (hits, misses, executions));
    }

    [Fact]
    public async Task ReloadingTheModel_DropsItsCachedAnswers()
    {
        var manager = _server.Services.GetRequiredService<ModelManager>();
        await InferAsync("/v2/models/cached/versions/1/infer", Body(0.9f));
        Assert.True(manager.ResponseCache!.Count > 0);

        await manager.LoadModelAsync("cached", configOverride: null, CancellationToken.None);

        Assert.Equal(0, manager.ResponseCache.Count);
        await InferAsync("/v2/models/cached/versions/1/infer", Body(0.9f));
        Assert.Equal((0L, 1L, 1L), await StatsAsync("cached", "1"));
    }

    [Fact]
    public async Task Metrics_CountHitsAndMisses()
    {
        await InferAsync("/v2/models/cached/versions/1/infer", Body(0.3f));
        await InferAsync("/v2/models/cached/versions/1/infer", Body(0.3f));

        var text = await _server.Client.GetStringAsync("/metrics");

        Assert.Contains("maas_response_cache_hits", text);
        Assert.Contains("maas_response_cache_misses", text);
        Assert.Contains("maas_response_cache_size_bytes", text);
    }
}
