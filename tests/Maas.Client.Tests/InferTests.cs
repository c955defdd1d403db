using Maas.Client.Tests.Support;
using Maas.Tensors;

namespace Maas.Client.Tests;

public sealed class InferTests(ClientServerFixture server) : IClassFixture<ClientServerFixture>
{
    public static TheoryData<Transport, DataType> EveryTransportAndDataType()
    {
        var data = new TheoryData<Transport, DataType>();
        foreach (var transport in Enum.GetValues<Transport>())
        {
            foreach (var type in DataTypes.All)
            {
                data.Add(transport, type);
            }
        }

        return data;
    }

    public static TheoryData<Transport> EveryTransport() => new(Enum.GetValues<Transport>());

    [Theory]
    [MemberData(nameof(EveryTransportAndDataType))]
    public async Task InferAsync_OnAnIdentityModel_ReturnsTheInputBitForBit(Transport transport, DataType type)
    {
        using var client = server.Create(transport);
        var input = SampleTensors.Of(type, "x");

        var result = await client.InferAsync(new InferRequest(ClientServerFixture.IdentityModel(type)).WithInput(input));

        var output = Assert.Single(result.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal(type, output.DataType);
        Assert.Equal(input.Shape, output.Shape);
        Assert.Equal(input.Data.ToArray(), output.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_ComputesTheModel_AndEchoesModelVersionAndId(Transport transport)
    {
        using var client = server.Create(transport);
        var request = AddRequest(version: null);
        request.Id = "req-7";

        var result = await client.InferAsync(request);

        Assert.Equal("add", result.ModelName);
        Assert.Equal("2", result.ModelVersion);
        Assert.Equal("req-7", result.Id);
        Assert.Equal([11f, 22f, 33f, 44f, 5.5f, 6.5f, 7.5f, 8.5f], result.Output("sum").ToArray<float>());
        Assert.Equal([10f, 40f, 90f, 160f, 2.5f, 3f, 3.5f, 4f], result.Output("product").ToArray<float>());
        Assert.Equal([2L, 4L], result.Output("sum").Shape);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_WithRequestedOutputs_ReturnsOnlyThose(Transport transport)
    {
        using var client = server.Create(transport);
        var request = AddRequest(version: null);
        request.Outputs.Add("product");

        var result = await client.InferAsync(request);

        var output = Assert.Single(result.Outputs);
        Assert.Equal("product", output.Name);
        Assert.Equal([10f, 40f, 90f, 160f, 2.5f, 3f, 3.5f, 4f], output.ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_WithAVersion_RunsThatVersion(Transport transport)
    {
        using var client = server.Create(transport);

        var result = await client.InferAsync(AddRequest(version: "1"));

        Assert.Equal("1", result.ModelVersion);
        Assert.Equal("sum", Assert.Single(result.Outputs).Name);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_WithParameters_SendsThemToTheServer(Transport transport)
    {
        using var client = server.Create(transport);
        var request = AddRequest(version: null);
        request.Parameters["priority"] = 1L;
        request.Parameters["timeout"] = 5_000_000L;

        var result = await client.InferAsync(request);

        Assert.Equal(2, result.Outputs.Count);
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task InferAsync_WithACancelledToken_ThrowsOperationCanceled(Transport transport)
    {
        using var client = server.Create(transport);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.InferAsync(AddRequest(version: null), cancelled.Token));
    }

    internal static InferRequest AddRequest(string? version, string model = "add") =>
        new InferRequest(model, version)
            .WithInput(InferTensor.Create<float>("a", [1, 2, 3, 4, 0.5f, 0.5f, 0.5f, 0.5f], 2, 4))
            .WithInput(InferTensor.Create<float>("b", [10, 20, 30, 40, 5, 6, 7, 8], 2, 4));
}
