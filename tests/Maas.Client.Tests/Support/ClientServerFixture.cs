using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.Server;
using Maas.Server.Hosting;
using Maas.Tensors;
using Maas.TestModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Client.Tests.Support;

/// <summary>
/// The real server on real Kestrel (REST on HTTP/1.1, gRPC on its own HTTP/2 port, both on
/// loopback) over small generated models: <c>add</c> v1 (<c>sum</c>) and v2 (<c>sum</c>,
/// <c>product</c>) on a [batch,4] FP32 pair, and <c>identity-&lt;type&gt;</c> for every datatype.
/// </summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    private readonly TestRepository _repository = new();
    private WebApplication? _app;

    public Uri RestAddress { get; private set; } = null!;

    public Uri GrpcAddress { get; private set; } = null!;

    public static string IdentityModel(DataType type) => "identity-" + type.WireName().ToLowerInvariant();

    /// <summary>A new client of <paramref name="transport"/> kind; the caller disposes it.</summary>
    public IInferenceClient Create(Transport transport) => transport switch
    {
        Transport.RestJson => new KServeHttpClient(RestAddress) { BinaryData = false },
        Transport.RestBinary => new KServeHttpClient(RestAddress),
        Transport.GrpcRaw => new KServeGrpcClient(GrpcAddress),
        Transport.GrpcTyped => new KServeGrpcClient(GrpcAddress) { UseTypedContents = true },
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    public async Task InitializeAsync()
    {
        _repository
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddConfig("add", """{"version_policy": {"all": {}}}""");
        foreach (var type in DataTypes.All)
        {
            _repository.AddModel(IdentityModel(type), 1, TestModelFactory.Identity(type.OnnxElementType(), "n"));
        }

        _app = MaasServer.Build(new MaasServerOptions { ModelRepository = _repository.Root, HttpPort = 0, GrpcPort = 0 });
        await _app.StartAsync();
        await _app.WaitForModelsAsync();
        var listeners = _app.Services.GetRequiredService<ServerListeners>();
        RestAddress = listeners.Http!;
        GrpcAddress = listeners.Grpc!;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _repository.Dispose();
    }
}

/// <summary>How a client talks to the server.</summary>
public enum Transport
{
    /// <summary>KServe v2 REST with JSON <c>data</c> arrays.</summary>
    RestJson,

    /// <summary>KServe v2 REST with the binary tensor data extension.</summary>
    RestBinary,

    /// <summary>gRPC with <c>raw_input_contents</c>.</summary>
    GrpcRaw,

    /// <summary>gRPC with typed <c>contents</c>.</summary>
    GrpcTyped,
}
