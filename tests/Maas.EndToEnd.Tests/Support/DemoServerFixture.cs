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
        // Every model the tests here reach: a .models/ from before a model was added says what to run.
        foreach (var model in new[] { "minilm", "ocr-det", "ocr-cls", "ocr-rec", "silero-vad" })
        {
            RepoPaths.DemoModel(model);
        }

        foreach (var pipeline in new[] { "minilm-embed", "ocr", "vad" })
        {
            var config = Path.Combine(RepoPaths.DemoRepository, pipeline, "config.json");
            if (!File.Exists(config))
            {
                throw new FileNotFoundException($"{config} is missing: run scripts/fetch-models.sh (the README's test command does).", config);
            }
        }

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
