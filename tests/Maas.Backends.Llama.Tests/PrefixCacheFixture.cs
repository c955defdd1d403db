using Maas.Generation;
using Maas.Models;
using Maas.TestModels.Gguf;

namespace Maas.Backends.Llama.Tests;

/// <summary>
/// The tiny GGUF loaded three times with a 1,024-token context: prefix cache on (4 slots,
/// 4,096 tokens), off, and small (2 slots, 300 tokens) for eviction.
/// </summary>
public sealed class PrefixCacheFixture : IDisposable
{
    private readonly string _folder;

    public PrefixCacheFixture()
    {
        _folder = Path.Combine(Path.GetTempPath(), "maas-gguf-prefix-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(_folder, "model.gguf");
        LlamaTestModel.Write(path);
        On = Load(path, new LanguageModelOptions { ContextLength = 1024, MaxSequences = 4, BatchSize = 256, PrefillChunk = 16, PrefixCacheTokens = 4096 });
        Off = Load(path, new LanguageModelOptions { ContextLength = 1024, MaxSequences = 4, BatchSize = 256, PrefillChunk = 16, PrefixCacheTokens = 0 });
        Small = Load(path, new LanguageModelOptions { ContextLength = 1024, MaxSequences = 2, BatchSize = 256, PrefillChunk = 16, PrefixCacheTokens = 300 });
    }

    internal LlamaModel On { get; }

    internal LlamaModel Off { get; }

    internal LlamaModel Small { get; }

    public void Dispose()
    {
        On.Dispose();
        Off.Dispose();
        Small.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static LlamaModel Load(string path, LanguageModelOptions options) =>
        (LlamaModel)new LlamaBackend().Load(new ModelLoadContext("tiny", 1, path, new EngineOptions { IntraOpThreads = 1 }) { LanguageModel = options });
}
