using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace Maas.Benchmarks.Llm;

/// <summary>
/// The baseline: llama.cpp through LLamaSharp in this process, a raw greedy decode loop with the
/// same GGUF, threads and context settings as the server's engine.
/// </summary>
internal sealed class RawLlama : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;
    private readonly LLamaBatch _batch = new();

    public RawLlama(string model, int threads, int sequences, int contextLength, int batchSize)
    {
        var parameters = new ModelParams(model)
        {
            GpuLayerCount = 0,
            ContextSize = (uint)(contextLength * sequences),
            SeqMax = (uint)sequences,
            BatchSize = (uint)batchSize,
            UBatchSize = (uint)batchSize,
            Threads = threads,
            BatchThreads = threads,
            KVUnified = true,
        };
        _weights = LLamaWeights.LoadFromFile(parameters);
        _context = _weights.CreateContext(parameters);
    }

    public int[] Tokenize(string text) => Array.ConvertAll(_weights.Tokenize(text, false, false, System.Text.Encoding.UTF8), t => (int)t);

    /// <summary>Decode tokens/s, all sequences together: prefill a short prompt each, then <paramref name="steps"/> batched steps.</summary>
    public double DecodeTokensPerSecond(int sequences, int steps, int[] prompt)
    {
        _context.NativeHandle.MemoryClear();
        _batch.Clear();
        var logitIndex = new int[sequences];
        var last = new int[sequences];
        for (var s = 0; s < sequences; s++)
        {
            for (var i = 0; i < prompt.Length; i++)
            {
                var index = _batch.Add(prompt[i], i, (LLamaSeqId)s, i == prompt.Length - 1);
                if (i == prompt.Length - 1)
                {
                    logitIndex[s] = index;
                }
            }
        }

        Check(_context.Decode(_batch));
        for (var s = 0; s < sequences; s++)
        {
            last[s] = ArgMax(_context.NativeHandle.GetLogitsIth(logitIndex[s]));
        }

        var timer = Stopwatch.StartNew();
        for (var step = 0; step < steps; step++)
        {
            _batch.Clear();
            for (var s = 0; s < sequences; s++)
            {
                logitIndex[s] = _batch.Add(last[s], prompt.Length + step, (LLamaSeqId)s, true);
            }

            Check(_context.Decode(_batch));
            for (var s = 0; s < sequences; s++)
            {
                last[s] = ArgMax(_context.NativeHandle.GetLogitsIth(logitIndex[s]));
            }
        }

        return sequences * steps / timer.Elapsed.TotalSeconds;
    }

    /// <summary>Prefill tokens/s of one prompt decoded in one batch (to its first sampled token).</summary>
    public double PrefillTokensPerSecond(int[] prompt)
    {
        _context.NativeHandle.MemoryClear();
        _batch.Clear();
        var timer = Stopwatch.StartNew();
        var index = 0;
        for (var i = 0; i < prompt.Length; i++)
        {
            index = _batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        }

        Check(_context.Decode(_batch));
        _ = ArgMax(_context.NativeHandle.GetLogitsIth(index));
        return prompt.Length / timer.Elapsed.TotalSeconds;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {result}");
        }
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
