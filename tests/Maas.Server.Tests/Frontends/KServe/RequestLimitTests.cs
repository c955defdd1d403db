using System.Net;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

public sealed class RequestLimitTests
{
    [Fact]
    public async Task BodyOverTheLimit_Answers4xxNamingTheLimit_AndServerKeepsServing()
    {
        using var repository = new TestRepository().AddModel("identity", 1, TestModelFactory.Identity(OnnxElementType.Float, "n"));
        await using var server = await InMemoryServer.StartAsync(repository.Root, o => o with { MaxRequestBytes = 2048 });

        var values = string.Join(", ", Enumerable.Repeat("1.25", 1000));
        using var big = await server.Client.PostAsync("/v2/models/identity/infer", Json($$"""{"inputs": [{"name": "x", "shape": [1000], "datatype": "FP32", "data": [{{values}}]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("over the server's limit of 2048 bytes", await ReadErrorAsync(big));

        using var small = await server.Client.PostAsync("/v2/models/identity/infer", Json("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.25]}]}"""));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenEveryModelLoaded_Answers200()
    {
        using var repository = new TestRepository().AddModel("identity", 1, TestModelFactory.Identity(OnnxElementType.Float, "n"));
        await using var server = await InMemoryServer.StartAsync(repository.Root);
        using var response = await server.Client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenNotStrictAndAModelFailed_Answers200()
    {
        using var repository = new TestRepository()
            .AddModel("identity", 1, TestModelFactory.Identity(OnnxElementType.Float, "n"))
            .AddModel("broken", 1, [0, 0, 0]);
        await using var server = await InMemoryServer.StartAsync(repository.Root, o => o with { StrictReadiness = false });
        using var response = await server.Client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
