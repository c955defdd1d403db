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
            var prefixCache = CanShareTokenRanges(weights) ? options.PrefixCacheTokens : 0;
            var engineOptions = new LlamaEngineOptions(options.MaxSequences, contextLength, batchSize, options.MaxQueue, Math.Min(options.PrefillChunk, batchSize), prefixCache);
            return new LlamaModel(context, weights, llamaContext, options, engineOptions, _metrics?.For(context.ModelName, context.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether a range of a sequence's positions can be shared into another sequence and the rest
    /// cut off. Not for a recurrent state (Mamba, RWKV) or a hybrid model's recurrent layers (their
    /// metadata has ssm, wkv or shortconv keys), which hold one state for the whole sequence, nor
    /// for a sliding-window cache, which forgets old positions: the prefix cache is off for them.
    /// </summary>
    private static bool CanShareTokenRanges(LLamaWeights weights)
    {
        var handle = weights.NativeHandle;
        if (handle.IsRecurrent || handle.SWACount > 0)
        {
            return false;
        }

        foreach (var key in weights.Metadata.Keys)
        {
            if (key.Contains(".ssm.", StringComparison.Ordinal) || key.Contains(".wkv.", StringComparison.Ordinal) || key.Contains(".shortconv.", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
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
