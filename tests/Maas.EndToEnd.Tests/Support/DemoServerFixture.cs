using Maas.TestModels;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>One loopback server over the demo repository of real models (scripts/fetch-models.sh).</summary>
public sealed class DemoServerFixture : IAsyncLifetime
{
    private LoopbackServer? _server;

    internal LoopbackServer Server => _server!;

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        RepoPaths.DemoModel("minilm");
        _server = await LoopbackServer.StartAsync(RepoPaths.DemoRepository);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// The test classes that share one demo server: it loads every demo model (MiniLM, ResNet18,
/// PaddleOCR, Silero, the pipelines), so one per class would crowd 2 cores and memory.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DemoServers : ICollectionFixture<DemoServerFixture>
{
    public const string Name = "DemoServer";
}
