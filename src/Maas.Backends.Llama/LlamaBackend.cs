using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using Maas.Errors;
using Maas.Generation;
using Maas.Models;

namespace Maas.Backends.Llama;

/// <summary>
/// Loads GGUF language models (<c>model.gguf</c>) with llama.cpp through LLamaSharp, each version
/// served by its own continuous-batching engine.
/// </summary>
public sealed class LlamaBackend : IModelBackend
{
    private static readonly Lock NativeSetup = new();
    private static bool _nativeReady;
    private readonly LlamaMetrics? _metrics;

    /// <summary>Creates the backend; <paramref name="metrics"/> receives the engines' metrics.</summary>
    public LlamaBackend(LlamaMetrics? metrics = null)
    {
        _metrics = metrics;
    }

    /// <inheritdoc />
    public string Name => "llama.cpp";

    /// <inheritdoc />
    public string ModelFileName => "model.gguf";

    /// <inheritdoc />
    public IModel Load(ModelLoadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        EnsureNative();
        var options = context.LanguageModel ?? new LanguageModelOptions();
        var threads = options.Threads ?? Math.Max(1, context.Engine.IntraOpThreads);
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(new ModelParams(context.ModelPath) { GpuLayerCount = 0 });
        }
        catch (LoadWeightsFailedException ex)
        {
            throw MaasError.InvalidArgument($"{context.ModelPath} is not a GGUF file llama.cpp can load ({ex.Message}); check that the file is complete and its architecture is supported.");
        }

        try
        {
            var trained = weights.ContextSize > 0 ? weights.ContextSize : 2048;
            var contextLength = options.ContextLength ?? Math.Min(trained, 4096);
            var batchSize = Math.Max(options.BatchSize, options.MaxSequences);
            var parameters = new ModelParams(context.ModelPath)
            {
                ContextSize = (uint)(contextLength * options.MaxSequences),
                SeqMax = (uint)options.MaxSequences,
                BatchSize = (uint)batchSize,
                UBatchSize = (uint)batchSize,
                Threads = threads,
                BatchThreads = threads,
                KVUnified = true,
            };
            var llamaContext = weights.CreateContext(parameters);
            // A recurrent state cannot be cut at a token, and a sliding-window cache forgets old
            // positions: for both, a kept prefix would not be the prefix's KV, so the cache is off.
            var handle = weights.NativeHandle;
            var prefixCache = handle.IsRecurrent || handle.SWACount > 0 ? 0 : options.PrefixCacheTokens;
            var engineOptions = new LlamaEngineOptions(options.MaxSequences, contextLength, batchSize, options.MaxQueue, Math.Min(options.PrefillChunk, batchSize), prefixCache);
            return new LlamaModel(context, weights, llamaContext, options, engineOptions, _metrics?.For(context.ModelName, context.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Loads the native library once, with llama.cpp's own logging kept to warnings and errors.</summary>
    private static void EnsureNative()
    {
        lock (NativeSetup)
        {
            if (_nativeReady)
            {
                return;
            }

            NativeLibraryConfig.All.WithLogCallback(static (level, message) =>
            {
                if (level is LLamaLogLevel.Error)
                {
                    Console.Error.Write("llama.cpp: " + message);
                }
            });
            NativeApi.llama_empty_call();
            _nativeReady = true;
        }
    }
}
