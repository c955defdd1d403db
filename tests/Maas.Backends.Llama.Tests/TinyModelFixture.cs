using Maas.Generation;
using Maas.Models;
using Maas.TestModels.Gguf;

namespace Maas.Backends.Llama.Tests;

/// <summary>The generated tiny GGUF, written once per test run into a temporary folder, loaded with 4 slots.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "maas-gguf-" + Guid.NewGuid().ToString("N"));
        ModelPath = Path.Combine(Folder, "model.gguf");
        LlamaTestModel.Write(ModelPath);
        Model = new LlamaBackend().Load(new ModelLoadContext("tiny", 1, ModelPath, new EngineOptions { IntraOpThreads = 1 })
        {
            LanguageModel = new LanguageModelOptions { ContextLength = 256, MaxSequences = 4, BatchSize = 64, PrefillChunk = 8, MaxQueue = 2 },
        });
    }

    public string Folder { get; }

    public string ModelPath { get; }

    public IModel Model { get; }

    public ITextGenerator Generator => (ITextGenerator)Model;

    public void Dispose()
    {
        Model.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
