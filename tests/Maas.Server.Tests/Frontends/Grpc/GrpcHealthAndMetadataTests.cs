using Grpc.Core;
using Maas.Grpc.Protocol;
using Maas.Server.Tests.Support;

namespace Maas.Server.Tests.Frontends.Grpc;

public sealed class GrpcHealthAndMetadataTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc = server.Grpc;

    [Fact]
    public async Task ServerLive_IsTrue()
    {
        var response = await _grpc.ServerLiveAsync(new ServerLiveRequest());
        Assert.True(response.Live);
    }

    [Fact]
    public async Task ServerReady_AgreesWithRest_NotReadyWhileAModelFailed()
    {
        // The fixture's repository holds a corrupt model: strict readiness says no, on every protocol.
        var response = await _grpc.ServerReadyAsync(new ServerReadyRequest());
        using var rest = await server.Client.GetAsync("/v2/health/ready");

        Assert.False(response.Ready);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, rest.StatusCode);
    }

    [Theory]
    [InlineData("add", "", true)]
    [InlineData("add", "1", true)]
    [InlineData("add", "2", true)]
    [InlineData("broken", "", false)]
    public async Task ModelReady_ReportsEachModelAndVersion(string model, string version, bool ready)
    {
        var response = await _grpc.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version });
        Assert.Equal(ready, response.Ready);
    }

    [Fact]
    public async Task ModelReady_ForAnUnknownModel_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelReadyAsync(new ModelReadyRequest { Name = "nope" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("Unknown model 'nope'", error.Status.Detail);
    }

    [Fact]
    public async Task ServerMetadata_NamesTheServerAndItsExtensions()
    {
        var response = await _grpc.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("maas", response.Name);
        Assert.False(string.IsNullOrEmpty(response.Version));
        Assert.Contains("statistics", response.Extensions);
    }

    [Fact]
    public async Task ModelMetadata_DescribesTheDefaultVersionLikeRest()
    {
        var response = await _grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "add" });

        Assert.Equal("add", response.Name);
        Assert.Equal(["1", "2"], response.Versions);
        Assert.Equal("onnxruntime_onnx", response.Platform);
        Assert.Equal(["sum", "product"], response.Outputs.Select(o => o.Name));
        var a = response.Inputs.Single(i => i.Name == "a");
        Assert.Equal("FP32", a.Datatype);
        Assert.Equal([-1L, 4L], a.Shape);
    }

    [Fact]
    public async Task ModelMetadata_ForVersionOne_ListsItsSingleOutput()
    {
        var response = await _grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = "add", Version = "1" });
        Assert.Equal(["sum"], response.Outputs.Select(o => o.Name));
    }

    [Theory]
    [InlineData("nope", "", StatusCode.NotFound)]
    [InlineData("add", "7", StatusCode.NotFound)]
    [InlineData("add", "one", StatusCode.NotFound)]
    [InlineData("broken", "", StatusCode.Unavailable)]
    public async Task ModelMetadata_ForWhatCannotAnswer_CarriesTheMappedStatus(string model, string version, StatusCode expected)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelMetadataAsync(new ModelMetadataRequest { Name = model, Version = version }).ResponseAsync);
        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(model, error.Status.Detail);
    }
}
