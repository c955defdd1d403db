using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.Client.Tests.Support;
using Maas.Errors;

namespace Maas.Client.Tests;

public sealed class ErrorTests(ClientServerFixture server) : IClassFixture<ClientServerFixture>
{
    public static TheoryData<Transport> EveryTransport() => InferTests.EveryTransport();

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_OnAnUnknownModel_ThrowsNotFoundWithTheServersMessage(Transport transport)
    {
        using var client = server.Create(transport);

        var error = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(InferTests.AddRequest(version: null, model: "no-such-model")));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains("Unknown model 'no-such-model'", error.Message);
        AssertStatus(transport, error, http: 404, grpc: global::Grpc.Core.StatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_OnAnUnknownVersion_ThrowsNotFound(Transport transport)
    {
        using var client = server.Create(transport);

        var error = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(InferTests.AddRequest(version: "9")));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
        Assert.Contains("no version 9", error.Message);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_WithAWrongShape_ThrowsInvalidArgumentNamingTheInput_AndTheServerKeepsServing(Transport transport)
    {
        using var client = server.Create(transport);
        var request = new InferRequest("add")
            .WithInput(InferTensor.Create<float>("a", [1, 2, 3], 1, 3))
            .WithInput(InferTensor.Create<float>("b", [1, 2, 3], 1, 3));

        var error = await Assert.ThrowsAsync<MaasClientException>(() => client.InferAsync(request));

        Assert.Equal(MaasErrorCode.InvalidArgument, error.Code);
        Assert.Contains("'a'", error.Message);
        AssertStatus(transport, error, http: 400, grpc: global::Grpc.Core.StatusCode.InvalidArgument);
        Assert.Equal(2, (await client.InferAsync(InferTests.AddRequest(version: null))).Outputs.Count);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task GetModelMetadataAsync_OfAnUnknownModel_ThrowsNotFound(Transport transport)
    {
        using var client = server.Create(transport);

        var error = await Assert.ThrowsAsync<MaasClientException>(() => client.GetModelMetadataAsync("no-such-model"));

        Assert.Equal(MaasErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task RestJson_WithANonFiniteInput_RefusesBeforeSending()
    {
        using var client = server.Create(Transport.RestJson);
        var request = new InferRequest("add")
            .WithInput(InferTensor.Create<float>("a", [float.NaN, 0, 0, 0], 1, 4))
            .WithInput(InferTensor.Create<float>("b", [0, 0, 0, 0], 1, 4));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.InferAsync(request));

        Assert.Contains("BinaryData = true", error.Message);
    }

    [Fact]
    public async Task Clients_OfAServerThatIsNotThere_ThrowUnavailable()
    {
        // A port nothing listens on: bind one, then free it.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var rest = new KServeHttpClient(address);
        using var grpc = new KServeGrpcClient(address);

        Assert.Equal(MaasErrorCode.Unavailable, (await Assert.ThrowsAsync<MaasClientException>(() => rest.IsServerLiveAsync())).Code);
        Assert.Equal(MaasErrorCode.Unavailable, (await Assert.ThrowsAsync<MaasClientException>(() => grpc.IsServerLiveAsync())).Code);
    }

    private static void AssertStatus(Transport transport, MaasClientException error, int http, global::Grpc.Core.StatusCode grpc)
    {
        if (transport is Transport.RestJson or Transport.RestBinary)
        {
            Assert.Equal(http, error.HttpStatus);
            Assert.Null(error.GrpcStatus);
        }
        else
        {
            Assert.Equal(grpc, error.GrpcStatus);
            Assert.Null(error.HttpStatus);
        }
    }
}
