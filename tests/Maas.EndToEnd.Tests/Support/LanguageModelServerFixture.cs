using Maas.TestModels;
using Maas.TestModels.Gguf;

namespace Maas.EndToEnd.Tests.Support;

/// <summary>
/// A real server on loopback whose repository holds the generated tiny GGUF twice (<c>tiny-llm</c>
/// with 8 slots, <c>one-slot</c> with one slot and no queue) and a tensor model (<c>add</c>).
/// </summary>
public sealed class LanguageModelServerFixture : IAsyncLifetime
{
    private TestRepository? _repository;
    private LoopbackServer? _server;

    internal LoopbackServer Server => _server!;

    public async Task InitializeAsync()
    {
        _repository = new TestRepository();
        var path = _repository.PathOf("tiny-llm", "1", "model.gguf");
        LlamaTestModel.Write(path);
        Directory.CreateDirectory(_repository.PathOf("one-slot", "1"));
        File.Copy(path, _repository.PathOf("one-slot", "1", "model.gguf"));
        _repository
            .AddConfig("tiny-llm", """{ "llm": { "context_length": 256, "max_sequences": 8, "batch_size": 64, "max_queue": 16, "threads": 1 } }""")
            .AddConfig("one-slot", """{ "llm": { "context_length": 512, "max_sequences": 1, "max_queue": 0, "threads": 1 } }""")
            .AddModel("add", 1, TestModelFactory.Add());
        _server = await LoopbackServer.StartAsync(_repository.Root);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _repository?.Dispose();
    }
}
