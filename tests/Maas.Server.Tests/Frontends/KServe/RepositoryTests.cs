using System.Net;
using System.Text.Json.Nodes;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

/// <summary>
/// The model repository extension (<c>/v2/repository/...</c>) and label routes, on a server in
/// explicit mode that loads only <c>add</c> at start.
/// </summary>
public sealed class RepositoryTests : IAsyncLifetime
{
    private const string AddBody = """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""";

    private readonly TestRepository _repository = new TestRepository()
        .AddModel("add", 1, TestModelFactory.Add())
        .AddModel("add", 2, TestModelFactory.AddAndMultiply())
        .AddConfig("add", """{"version_policy": {"all": {}}, "labels": {"stable": 1, "canary": 2}}""")
        .AddModel("cnn", 1, TestModelFactory.SmallConvNet())
        .AddModel("broken", 1, [1, 2, 3]);

    private InMemoryServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() =>
        _server = await InMemoryServer.StartAsync(_repository.Root, o => o with { ModelControlMode = ModelControlMode.Explicit, LoadModels = ["add"] });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _repository.Dispose();
    }

    private async Task<JsonArray> IndexAsync(string? body = null)
    {
        using var response = await Client.PostAsync("/v2/repository/index", body is null ? null : Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).AsArray();
    }

    [Fact]
    public async Task Index_ListsEveryVersionWithItsState_AndFoldersNotLoaded()
    {
        var index = await IndexAsync();

        Assert.Equal(
            ["add 1 READY", "add 2 READY", "broken  ", "cnn  "],
            index.Select(r => $"{r!["name"]} {r["version"]} {r["state"]}"));
        Assert.Equal(2, (await IndexAsync("""{"ready": true}""")).Count);
    }

    [Fact]
    public async Task Load_ThenInfer_ThenUnload_ThenInferIsUnavailable()
    {
        using (var load = await Client.PostAsync("/v2/repository/models/cnn/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        using (var ready = await Client.GetAsync("/v2/models/cnn/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using (var unload = await Client.PostAsync("/v2/repository/models/cnn/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        using var metadata = await Client.GetAsync("/v2/models/cnn");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, metadata.StatusCode);
        Assert.Contains("unloaded by request", await ReadErrorAsync(metadata));
        Assert.Contains(await IndexAsync(), r => r!["name"]!.GetValue<string>() == "cnn" && r["state"]!.GetValue<string>() == "UNAVAILABLE");
    }

    [Fact]
    public async Task Load_WithAConfigOverride_MovesALabel()
    {
        using var load = await Client.PostAsync("/v2/repository/models/add/load", Json("""{"parameters": {"config": "{\"version_policy\": {\"all\": {}}, \"labels\": {\"stable\": 2}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, load.StatusCode);

        using var infer = await Client.PostAsync("/v2/models/add/labels/stable/infer", Json(AddBody));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
        Assert.Equal("2", (await ReadJsonAsync(infer))["model_version"]!.GetValue<string>());

        // Back to the folder's own config.json.
        using var reload = await Client.PostAsync("/v2/repository/models/add/load", null);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
    }

    [Theory]
    [InlineData("/v2/models/add/labels/stable", "1")]
    [InlineData("/v2/models/add/labels/canary", "2")]
    public async Task LabelRoutes_ServeTheLabelledVersion(string path, string version)
    {
        using var infer = await Client.PostAsync(path + "/infer", Json(AddBody));
        using var ready = await Client.GetAsync(path + "/ready");
        using var metadata = await Client.GetAsync(path);

        Assert.Equal(version, (await ReadJsonAsync(infer))["model_version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(version == "1" ? 1 : 2, (await ReadJsonAsync(metadata))["outputs"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("stable", "1")]
    [InlineData("canary", "2")]
    public async Task Grpc_WithALabelParameter_RunsTheLabelledVersion(string label, string version)
    {
        using var channel = _server.CreateGrpcChannel();
        var grpc = new Maas.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = new Maas.Grpc.Protocol.ModelInferRequest { ModelName = "add" };
        request.Parameters["label"] = new Maas.Grpc.Protocol.InferParameter { StringParam = label };
        foreach (var name in new[] { "a", "b" })
        {
            var input = new Maas.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "FP32", Contents = new Maas.Grpc.Protocol.InferTensorContents() };
            input.Shape.AddRange([1, 4]);
            input.Contents.Fp32Contents.AddRange([1, 2, 3, 4]);
            request.Inputs.Add(input);
        }

        var response = await grpc.ModelInferAsync(request);

        Assert.Equal(version, response.ModelVersion);
        Assert.Equal(version == "1" ? 1 : 2, response.Outputs.Count);
    }

    [Fact]
    public async Task AnUnknownLabel_Is404NamingTheLabels()
    {
        using var infer = await Client.PostAsync("/v2/models/add/labels/beta/infer", Json(AddBody));

        Assert.Equal(HttpStatusCode.NotFound, infer.StatusCode);
        Assert.Contains("Model 'add' has no label 'beta'; its labels are 'stable' (version 1), 'canary' (version 2)", await ReadErrorAsync(infer));
    }

    [Theory]
    [InlineData("/v2/repository/models/nope/load", HttpStatusCode.NotFound, "The repository has no folder 'nope'")]
    [InlineData("/v2/repository/models/broken/load", HttpStatusCode.ServiceUnavailable, "Model 'broken' failed to load")]
    [InlineData("/v2/repository/models/..%2Fadd/load", HttpStatusCode.BadRequest, "is not a model name")]
    [InlineData("/v2/repository/models/nope/unload", HttpStatusCode.NotFound, "Unknown model 'nope'")]
    public async Task BadLoadsAndUnloads_SayWhat_AndTheServerKeepsServing(string path, HttpStatusCode status, string message)
    {
        using var response = await Client.PostAsync(path, null);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
        using var infer = await Client.PostAsync("/v2/models/add/infer", Json(AddBody));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
    }

    [Theory]
    [InlineData("""{"parameters": {"config": "{\"max_batch_size\": -1}"}}""", "Invalid the load request's parameters.config")]
    [InlineData("""{"parameters": {"config": 7}}""", "parameters.config must be the model's config.json")]
    [InlineData("""not json""", "The request body is not valid JSON")]
    public async Task Load_WithABadOverride_Is400(string body, string message)
    {
        using var response = await Client.PostAsync("/v2/repository/models/add/load", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
    }
}

/// <summary>Outside explicit mode, loading and unloading by request is refused with the fix.</summary>
public sealed class RepositoryControlModeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("load")]
    [InlineData("unload")]
    public async Task LoadAndUnload_InPollMode_Answer501NamingExplicitMode(string action)
    {
        using var response = await server.Client.PostAsync($"/v2/repository/models/add/{action}", null);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Contains("--model-control-mode explicit", await ReadErrorAsync(response));
    }

    [Fact]
    public async Task ServerMetadata_ListsTheRepositoryExtension()
    {
        using var response = await server.Client.GetAsync("/v2");

        Assert.Contains("model_repository", (await ReadJsonAsync(response))["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
    }
}
