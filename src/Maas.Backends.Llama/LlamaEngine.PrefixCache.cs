using LLama.Native;

namespace Maas.Backends.Llama;

/// <summary>
/// The prompt-prefix (KV) cache: a finished sequence's prompt KV stays in its slot, within
/// <see cref="LlamaEngineOptions.PrefixCacheTokens"/>; an admitted sequence whose prompt starts
/// with tokens that a retained or running sequence already holds gets that KV range shared into
/// its own sequence id (<c>llama_memory_seq_cp</c>; the KV cache is unified, so the cells are
/// shared, not copied) and prefills only the rest. A request always wins over a retained prefix:
/// without a free slot, the least recently used prefix gives its slot up.
/// </summary>
internal sealed partial class LlamaEngine
{
    private long _prefixHits;
    private long _reusedTokens;
    private int _retainedTokens;

    /// <summary>Admitted sequences that reused a cached prompt prefix.</summary>
    public long PrefixCacheHits => Interlocked.Read(ref _prefixHits);

    /// <summary>Prompt tokens whose KV was reused instead of prefilled.</summary>
    public long PrefixCacheReusedTokens => Interlocked.Read(ref _reusedTokens);

    /// <summary>Prompt tokens held by retained prefixes now.</summary>
    public int PrefixCacheTokens => Volatile.Read(ref _retainedTokens);

    /// <summary>
    /// Gives an admitted sequence a slot, with the longest cached prefix of its prompt already in
    /// that slot's KV. Needs a free slot or at least one retained prefix.
    /// </summary>
    private void AssignSlot(LlamaSequence sequence)
    {
        var prompt = sequence.Prompt;
        // At least one prompt token is decoded, so the first sampled token has logits.
        var usable = prompt.AsSpan(0, prompt.Length - 1);
        PrefixCache.Entry? entry = null;
        var reuse = 0;
        var source = -1;
        if (_prefixes.Enabled)
        {
            entry = _prefixes.FindLongest(usable, out reuse);
            source = entry?.Slot ?? -1;
        }

        // A running sequence's prefilled prompt is as good as a retained one.
        foreach (var running in _active)
        {
            if (!_prefixes.Enabled || running.Finished)
            {
                continue;
            }

            var common = PrefixCache.CommonPrefix(usable, running.Prompt.AsSpan(0, Math.Min(running.Prefilled, running.Prompt.Length)));
            if (common > reuse)
            {
                reuse = common;
                source = running.SlotId;
                entry = null;
            }
        }

        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
        }
        else if (_prefixes.TryEvictLeastRecent(entry, out var evicted))
        {
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)evicted, -1, -1);
            slot = evicted;
        }
        else
        {
            // The only retained prefix is the one to reuse: take its slot over, less its tail.
            _prefixes.Remove(entry!);
            slot = entry!.Slot;
            _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)slot, reuse, -1);
        }

        if (reuse > 0 && source != slot)
        {
            _context.NativeHandle.MemorySequenceCopy((LLamaSeqId)source, (LLamaSeqId)slot, 0, reuse);
        }

        sequence.SlotId = slot;
        sequence.Prefilled = reuse;
        sequence.Position = reuse;
        sequence.CachedTokens = reuse;
        if (reuse > 0)
        {
            Interlocked.Increment(ref _prefixHits);
            Interlocked.Add(ref _reusedTokens, reuse);
            _metrics?.PrefixHit(reuse);
        }

        Volatile.Write(ref _retainedTokens, _prefixes.Tokens);
    }

    /// <summary>Keeps a finished sequence's prefilled prompt KV in its slot, or frees the slot.</summary>
    private void Retain(LlamaSequence sequence)
    {
        var keep = Math.Min(sequence.Prefilled, sequence.Prompt.Length);
        if (!_prefixes.Enabled || keep == 0)
        {
            FreeSlot(sequence.SlotId);
            return;
        }

        // Generated tokens go: the last one sampled was never decoded, and a later prompt renders
        // the reply its own way.
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)sequence.SlotId, keep, -1);
        _prefixes.Add(sequence.SlotId, sequence.Prompt, keep, _freed);
        FreeSlots();
    }

    /// <summary>Drops every retained prefix.</summary>
    private void DropPrefixes()
    {
        _prefixes.Clear(_freed);
        FreeSlots();
    }

    private void FreeSlots()
    {
        foreach (var slot in _freed)
        {
            FreeSlot(slot);
        }

        _freed.Clear();
        Volatile.Write(ref _retainedTokens, _prefixes.Tokens);
    }

    private void FreeSlot(int slot)
    {
        _context.NativeHandle.MemorySequenceRemove((LLamaSeqId)slot, -1, -1);
        _freeSlots.Push(slot);
    }
}
