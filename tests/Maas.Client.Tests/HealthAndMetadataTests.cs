using Maas.Client.Tests.Support;

namespace Maas.Client.Tests;

public sealed class HealthAndMetadataTests(ClientServerFixture server) : IClassFixture<ClientServerFixture>
{
    public static TheoryData<Transport> EveryTransport() => InferTests.EveryTransport();

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task Health_OfAServerWhoseModelsLoaded_IsLiveAndReady(Transport transport)
    {
        using var client = server.Create(transport);

        Assert.True(await client.IsServerLiveAsync());
        Assert.True(await client.IsServerReadyAsync());
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task IsModelReadyAsync_IsTrueForServedVersions_AndUnknownOnesAreNotFound(Transport transport)
    {
        using var client = server.Create(transport);

        Assert.True(await client.IsModelReadyAsync("add"));
        Assert.True(await client.IsModelReadyAsync("add", "1"));
        var version = await Assert.ThrowsAsync<MaasClientException>(() => client.IsModelReadyAsync("add", "9"));
        var model = await Assert.ThrowsAsync<MaasClientException>(() => client.IsModelReadyAsync("no-such-model"));
        Assert.Equal(Maas.Errors.MaasErrorCode.NotFound, version.Code);
        Assert.Equal(Maas.Errors.MaasErrorCode.NotFound, model.Code);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task GetServerMetadataAsync_NamesTheServerAndItsExtensions(Transport transport)
    {
        using var client = server.Create(transport);

        var metadata = await client.GetServerMetadataAsync();

        Assert.Equal("maas", metadata.Name);
        Assert.False(string.IsNullOrEmpty(metadata.Version));
        Assert.Contains("binary_tensor_data", metadata.Extensions);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task GetModelMetadataAsync_DescribesTheSignature(Transport transport)
    {
        using var client = server.Create(transport);

        var latest = await client.GetModelMetadataAsync("add");
        var first = await client.GetModelMetadataAsync("add", "1");

        Assert.Equal("add", latest.Name);
        Assert.Equal(["1", "2"], latest.Versions.Order());
        Assert.Equal("onnxruntime_onnx", latest.Platform);
        Assert.Equal(["a", "b"], latest.Inputs.Select(i => i.Name));
        Assert.All(latest.Inputs, i => Assert.Equal("FP32", i.DataType));
        Assert.Equal([-1L, 4L], latest.Inputs[0].Shape);
        Assert.Equal(["sum", "product"], latest.Outputs.Select(o => o.Name));
        Assert.Equal(["sum"], first.Outputs.Select(o => o.Name));
    }
}
