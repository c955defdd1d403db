using Maas.Tensors;
using Maas.TestModels;

namespace Maas.Server.Tests.Support;

/// <summary>
/// One in-memory server per test class over a repository of small generated models:
/// <list type="bullet">
/// <item><c>add</c> v1 (<c>sum</c>) and v2 (<c>sum</c>, <c>product</c>), a [batch,4] FP32 pair of inputs;</item>
/// <item><c>identity-&lt;type&gt;</c> for every datatype, input <c>x</c> → output <c>y</c>, shape [n];</item>
/// <item><c>small-cnn</c>, <c>broken</c> (corrupt file), <c>bad-config</c> (invalid config.json).</item>
/// </list>
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly TestRepository _repository = new();
    private InMemoryServer? _server;
    private global::Grpc.Net.Client.GrpcChannel? _grpcChannel;

    public HttpClient Client => _server!.Client;

    /// <summary>A gRPC channel to the same in-memory server.</summary>
    public global::Grpc.Net.Client.GrpcChannel GrpcChannel => _grpcChannel ??= _server!.CreateGrpcChannel();

    /// <summary>A stock gRPC client (the generated stub) over <see cref="GrpcChannel"/>.</summary>
    public Maas.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient Grpc => new(GrpcChannel);

    public static string IdentityModel(DataType type) => "identity-" + type.WireName().ToLowerInvariant();

    public async Task InitializeAsync()
    {
        _repository
            .AddModel("add", 1, TestModelFactory.Add())
            .AddModel("add", 2, TestModelFactory.AddAndMultiply())
            .AddConfig("add", """{"version_policy": {"all": {}}}""")
            .AddModel("small-cnn", 1, TestModelFactory.SmallConvNet())
            .AddModel("broken", 1, [1, 2, 3, 4, 5, 6, 7, 8])
            .AddModel("bad-config", 1, TestModelFactory.Add())
            .AddConfig("bad-config", """{"engine": {"intra_op_threads": -3}, "colour": "blue"}""");
        foreach (var type in DataTypes.All)
        {
            _repository.AddModel(IdentityModel(type), 1, TestModelFactory.Identity(type.OnnxElementType(), "n"));
        }

        _server = await InMemoryServer.StartAsync(_repository.Root);
    }

    public async Task DisposeAsync()
    {
        _grpcChannel?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _repository.Dispose();
    }
}
