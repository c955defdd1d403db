using System.Collections.Concurrent;
using System.Diagnostics;
using LLama;
using LLama.Native;
using Maas.Errors;
using Maas.Generation;

namespace Maas.Backends.Llama;

/// <summary>
/// The continuous-batching engine of one model instance: one decode loop on its own thread that,
/// between steps, admits queued sequences into free slots (iteration-level scheduling), then
/// decodes one token for every generating sequence plus a chunk of pending prompt tokens in a
/// single llama.cpp batch, samples, streams, and frees a finished or abandoned sequence's KV
/// cache at once, or keeps its prompt's KV for the prompt-prefix cache
/// (<c>LlamaEngine.PrefixCache.cs</c>). Owns the context; the weights stay owned by the model.
/// </summary>
internal sealed partial class LlamaEngine : IDisposable
{
    private readonly LLamaContext _context;
    private readonly LlamaEngineOptions _options;
    private readonly bool[] _endOfGeneration;
    private readonly ConcurrentQueue<LlamaSequence> _pending = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<LlamaSequence> _active = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly Thread _thread;
    private readonly LlamaMetrics.Recorder? _metrics;
    private readonly PrefixCache _prefixes;
    private readonly List<int> _freed = [];
    private volatile bool _stopping;
    private int _queued;
    private int _activeCount;
    private int _kvTokens;
    private long _prefilledTokens;

    public LlamaEngine(LLamaContext context, LlamaEngineOptions options, bool[] endOfGeneration, LlamaMetrics.Recorder? metrics, string name)
    {
        _context = context;
        _options = options;
        _endOfGeneration = endOfGeneration;
        _metrics = metrics;
        _prefixes = new PrefixCache(options.PrefixCacheTokens);
        for (var slot = options.MaxSequences - 1; slot >= 0; slot--)
        {
            _freeSlots.Push(slot);
        }

        _thread = new Thread(Loop) { IsBackground = true, Name = "maas-llm-" + name };
        _thread.Start();
        metrics?.Metrics.Register(this, metrics.Tags);
    }

    /// <summary>Sequences decoding now.</summary>
    public int ActiveSequences => Volatile.Read(ref _activeCount);

    /// <summary>Sequences waiting for a slot.</summary>
    public int QueuedSequences => Volatile.Read(ref _queued);

    /// <summary>Prompt tokens decoded into the KV cache so far (reused prefixes not included).</summary>
    public long PrefilledTokens => Interlocked.Read(ref _prefilledTokens);

    /// <summary>
    /// Fraction of the KV cache's cells held by running sequences, 0 to 1. Retained prefixes are
    /// not counted: any request may evict them (<see cref="PrefixCacheTokens"/> says how many they hold).
    /// </summary>
    public double KvCacheUsage => (double)Volatile.Read(ref _kvTokens) / (_options.ContextLength * _options.MaxSequences);

    /// <summary>
    /// Queues a sequence for the next step. Throws ResourceExhausted when every slot is busy and
    /// the queue holds its maximum.
    /// </summary>
    public void Enqueue(LlamaSequence sequence)
    {
        if (_stopping)
        {
            throw MaasError.Unavailable("The model is unloading; retry, the request will go to the version that replaces it.");
        }

        var free = _options.MaxSequences - Volatile.Read(ref _activeCount);
        if (Interlocked.Increment(ref _queued) > _options.MaxQueue + Math.Max(0, free))
        {
            Interlocked.Decrement(ref _queued);
            throw MaasError.ResourceExhausted($"All {_options.MaxSequences} sequence slots are busy and {_options.MaxQueue} requests are already queued (llm.max_queue); retry later or raise llm.max_sequences / llm.max_queue in config.json.");
        }

        _pending.Enqueue(sequence);
        _wake.Release();
    }

    public void Dispose()
    {
        _metrics?.Metrics.Unregister(this);
        _stopping = true;
        _wake.Release();
        _thread.Join();
        while (_pending.TryDequeue(out var waiting))
        {
            waiting.Output.Writer.TryComplete(MaasError.Unavailable("The model was unloaded before this request started."));
        }

        _context.Dispose();
        _wake.Dispose();
    }

    private void Loop()
    {
        var batch = new LLamaBatch();
        var scratch = Array.Empty<float>();
        while (!_stopping)
        {
            Admit();
            DropCancelled();
            if (_active.Count == 0)
            {
                _wake.Wait(200);
                continue;
            }

            batch.Clear();
            Fill(batch);
            DecodeResult result;
            try
            {
                result = _context.Decode(batch);
            }
#pragma warning disable CA1031 // An engine failure fails the sequences of this step, never the process.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                FailAll(MaasError.Internal($"llama.cpp decode failed: {ex.Message}", ex));
                continue;
            }

            if (result != DecodeResult.Ok)
            {
                FailAll(MaasError.Internal($"llama.cpp decode returned {result}."));
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < _active.Count; i++)
            {
                var sequence = _active[i];
                if (sequence.LogitIndex < 0)
                {
                    continue;
                }

                var logits = _context.NativeHandle.GetLogitsIth(sequence.LogitIndex);
                if (scratch.Length != logits.Length)
                {
                    scratch = new float[logits.Length];
                }

                logits.CopyTo(scratch);
                var token = sequence.Sampler.Sample(scratch);
                Emit(sequence, token, now);
            }

            Release();
        }

        FailAll(MaasError.Unavailable("The model was unloaded while this request ran."));
    }

    /// <summary>Moves queued sequences into free slots (a retained prefix gives its slot up to a request).</summary>
    private void Admit()
    {
        while ((_freeSlots.Count > 0 || _prefixes.Count > 0) && _pending.TryDequeue(out var sequence))
        {
            Interlocked.Decrement(ref _queued);
            if (sequence.Cancellation.IsCancellationRequested)
            {
                sequence.Output.Writer.TryComplete();
                continue;
            }

            AssignSlot(sequence);
            _active.Add(sequence);
            Interlocked.Increment(ref _activeCount);
            _metrics?.QueueWait(Stopwatch.GetElapsedTime(sequence.EnqueuedAt));
        }
    }

    /// <summary>One token per generating sequence, then prompt chunks within the batch size.</summary>
    private void Fill(LLamaBatch batch)
    {
        var decoding = 0;
        foreach (var sequence in _active)
        {
            sequence.LogitIndex = -1;
            if (!sequence.InPrefill)
            {
                sequence.LogitIndex = batch.Add(sequence.LastToken, sequence.Position, (LLamaSeqId)sequence.SlotId, true);
                sequence.Position++;
                decoding++;
            }
        }

        // While streams are generating, a step carries only a small prompt chunk, so their next
        // tokens are not held up by a long prefill; alone, a prompt takes the whole batch.
        var budget = decoding > 0 ? Math.Min(_options.PrefillChunk, _options.BatchSize - decoding) : _options.BatchSize;

        foreach (var sequence in _active)
        {
            if (!sequence.InPrefill || budget <= 0)
            {
                continue;
            }

            var take = Math.Min(budget, sequence.Prompt.Length - sequence.Prefilled);
            for (var i = 0; i < take; i++)
            {
                var last = sequence.Prefilled + 1 == sequence.Prompt.Length;
                var index = batch.Add(sequence.Prompt[sequence.Prefilled], sequence.Position, (LLamaSeqId)sequence.SlotId, last);
                if (last)
                {
                    sequence.LogitIndex = index;
                }

                sequence.Prefilled++;
                sequence.Position++;
            }

            budget -= take;
            Interlocked.Add(ref _prefilledTokens, take);
        }

        UpdateKvUsage();
    }

    private void UpdateKvUsage()
    {
        var kv = 0;
        foreach (var sequence in _active)
        {
            kv += sequence.Position;
        }

        Volatile.Write(ref _kvTokens, kv);
    }

    /// <summary>Handles a sampled token: end of generation, text and stop sequences, length.</summary>
    private void Emit(LlamaSequence sequence, int token, long now)
    {
        sequence.Generated++;
        if (sequence.Generated == 1)
        {
            sequence.FirstTokenAt = now;
            _metrics?.FirstToken(Stopwatch.GetElapsedTime(sequence.EnqueuedAt, now), sequence.Prompt.Length);
        }
        else
        {
            _metrics?.InterToken(Stopwatch.GetElapsedTime(sequence.LastTokenAt, now));
        }

        sequence.LastTokenAt = now;
        var writer = sequence.Output.Writer;
        if (_endOfGeneration[token])
        {
            FinishAtEnd(sequence, "", FinishReason.Stop);
            return;
        }

        sequence.Sampler.Accept(token);
        sequence.LastToken = token;
        Span<byte> bytes = stackalloc byte[256];
        var length = _context.NativeHandle.TokenToSpan(token, bytes);
        var piece = length <= (uint)bytes.Length ? sequence.Decode(bytes[..(int)length], flush: false) : "";
        var (text, stopped) = sequence.Stops.Append(piece);
        if (stopped)
        {
            Finish(sequence, text, FinishReason.Stop);
            return;
        }

        if (sequence.Generated >= sequence.MaxTokens || sequence.Position >= _options.ContextLength)
        {
            FinishAtEnd(sequence, text, FinishReason.Length);
            return;
        }

        writer.TryWrite(new GenerationChunk(text, sequence.Generated, null) { CachedPromptTokens = sequence.CachedTokens });
    }

    /// <summary>
    /// Ends a sequence that stopped by itself (end of generation, length): an incomplete UTF-8 tail
    /// is flushed through the stop matcher (it may still complete a stop sequence), then whatever
    /// was held back as a possible stop prefix is released.
    /// </summary>
    private void FinishAtEnd(LlamaSequence sequence, string text, FinishReason reason)
    {
        var (rest, stopped) = sequence.Stops.Append(sequence.Decode([], flush: true));
        Finish(sequence, text + rest + (stopped ? "" : sequence.Stops.Flush()), stopped ? FinishReason.Stop : reason);
    }

    private void Finish(LlamaSequence sequence, string text, FinishReason reason)
    {
        sequence.Output.Writer.TryWrite(new GenerationChunk(text, sequence.Generated, reason) { CachedPromptTokens = sequence.CachedTokens });
        sequence.Output.Writer.TryComplete();
        sequence.Finished = true;
        _metrics?.Finished(sequence.Generated, Stopwatch.GetElapsedTime(sequence.FirstTokenAt));
    }

    /// <summary>Sequences whose client left are finished without a reply.</summary>
    private void DropCancelled()
    {
        foreach (var sequence in _active)
        {
            if (!sequence.Finished && sequence.Cancellation.IsCancellationRequested)
            {
                sequence.Finished = true;
                sequence.Output.Writer.TryComplete(new OperationCanceledException(sequence.Cancellation));
            }
        }

        Release();
    }

    /// <summary>
    /// Frees the slot and KV cache of every finished sequence, or with <paramref name="retain"/>
    /// keeps its prompt's KV in the prefix cache.
    /// </summary>
    private void Release(bool retain = true)
    {
        for (var i = _active.Count - 1; i >= 0; i--)
        {
            var sequence = _active[i];
            if (!sequence.Finished)
            {
                continue;
            }

            if (retain)
            {
                Retain(sequence);
            }
            else
            {
                FreeSlot(sequence.SlotId);
            }

            _active.RemoveAt(i);
            Interlocked.Decrement(ref _activeCount);
        }

        UpdateKvUsage();
    }

    private void FailAll(MaasError error)
    {
        foreach (var sequence in _active)
        {
            if (!sequence.Finished)
            {
                sequence.Finished = true;
                sequence.Output.Writer.TryComplete(error);
            }
        }

        // After a failed decode no KV is trusted: neither the sequences' nor the retained prefixes'.
        Release(retain: false);
        DropPrefixes();
    }
}
