using System.Security.Cryptography;
using System.Text;
using Maas.Inference;

namespace Maas.Core.Caching;

/// <summary>
/// The server-wide response cache for tensor models (config.json <c>"response_cache":
/// {"enabled": true}</c>), within a byte budget, least recently used first out. The key is a
/// SHA-256 of the model, the loaded version (each load of a version is a different owner, so a
/// reload never serves old answers), every input's name, datatype, shape and bytes, and the
/// requested outputs. Identical requests that arrive while the first is running wait for it
/// (single flight) instead of running the engine again.
/// </summary>
public sealed class ResponseCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Key, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<Key, Task<CachedResponse?>> _running = [];
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _evictions;

    /// <summary>A cache of at most <paramref name="budgetBytes"/> bytes of responses.</summary>
    public ResponseCache(long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        BudgetBytes = budgetBytes;
    }

    /// <summary>The byte budget.</summary>
    public long BudgetBytes { get; }

    /// <summary>Bytes the entries take now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Requests answered from the cache (or by waiting for an identical running one).</summary>
    public long Hits => Volatile.Read(ref _hits);

    /// <summary>Requests that ran the engine.</summary>
    public long Misses => Volatile.Read(ref _misses);

    /// <summary>Entries dropped to stay within the budget.</summary>
    public long Evictions => Volatile.Read(ref _evictions);

    /// <summary>
    /// Answers <paramref name="request"/> from the cache, or runs <paramref name="run"/> once for
    /// all identical requests in flight and keeps its answer. The caller owns the returned response.
    /// <paramref name="hit"/> is set to whether the engine was spared.
    /// </summary>
    public async Task<InferenceResponse> GetOrRunAsync(object owner, InferenceRequest request, IReadOnlyList<string> outputs, Func<Task<InferenceResponse>> run, Action<bool> hit)
    {
        var key = KeyOf(owner, request, outputs);
        Task<CachedResponse?>? running = null;
        TaskCompletionSource<CachedResponse?>? leader = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _hits);
                hit(true);
                return node.Value.Response.ToResponse(request.Id);
            }

            if (!_running.TryGetValue(key, out running))
            {
                leader = new TaskCompletionSource<CachedResponse?>(TaskCreationOptions.RunContinuationsAsynchronously);
                _running[key] = leader.Task;
            }
        }

        if (leader is null)
        {
            // An identical request is running: its answer is ours (or, if it failed, run our own).
            if (await running!.ConfigureAwait(false) is { } shared)
            {
                Interlocked.Increment(ref _hits);
                hit(true);
                return shared.ToResponse(request.Id);
            }

            Interlocked.Increment(ref _misses);
            hit(false);
            return await run().ConfigureAwait(false);
        }

        Interlocked.Increment(ref _misses);
        hit(false);
        CachedResponse? cached = null;
        try
        {
            var response = await run().ConfigureAwait(false);
            cached = CachedResponse.From(response);
            Add(key, owner, cached);
            return response;
        }
        finally
        {
            lock (_lock)
            {
                _running.Remove(key);
            }

            leader.SetResult(cached);
        }
    }

    /// <summary>Drops every entry of <paramref name="owner"/> (a version being retired or replaced).</summary>
    public void Invalidate(object owner)
    {
        lock (_lock)
        {
            for (var node = _recency.First; node is not null;)
            {
                var next = node.Next;
                if (ReferenceEquals(node.Value.Owner, owner))
                {
                    Remove(node);
                }

                node = next;
            }
        }
    }

    private void Add(Key key, object owner, CachedResponse response)
    {
        if (response.Bytes > BudgetBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            while (_bytes + response.Bytes > BudgetBytes && _recency.Last is { } oldest)
            {
                Remove(oldest);
                Interlocked.Increment(ref _evictions);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, owner, response));
            _bytes += response.Bytes;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Response.Bytes;
    }

    // One hasher per thread, reset by each digest: creating one costs more than hashing a small request.
    [ThreadStatic]
    private static IncrementalHash? t_hash;

    private static Key KeyOf(object owner, InferenceRequest request, IReadOnlyList<string> outputs)
    {
        var hash = t_hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The small fields go through one buffer (length-prefixed, so ("ab", "c") and ("a", "bc")
        // differ); each input's bytes are hashed where they lie.
        using var meta = new Maas.Buffers.PooledBufferWriter(256);
        Text(meta, request.ModelName);
        Long(meta, request.Inputs.Count);
        foreach (var input in request.Inputs)
        {
            Text(meta, input.Name);
            Long(meta, (long)input.DataType);
            Long(meta, input.Shape.Rank);
            foreach (var dim in input.Shape.Dimensions)
            {
                Long(meta, dim);
            }

            Long(meta, input.Data.Length);
        }

        Long(meta, outputs.Count);
        foreach (var output in outputs)
        {
            Text(meta, output);
        }

        hash.AppendData(meta.WrittenSpan);
        foreach (var input in request.Inputs)
        {
            hash.AppendData(input.Data.Span);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        // The owner (the loaded version) is compared by reference, not hashed: no two loads share entries.
        return new Key(owner,
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]));
    }

    private static void Text(Maas.Buffers.PooledBufferWriter writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Long(writer, length);
        Encoding.UTF8.GetBytes(value, writer.GetSpan(length));
        writer.Advance(length);
    }

    private static void Long(Maas.Buffers.PooledBufferWriter writer, long value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private readonly record struct Key(object Owner, ulong D0, ulong D1, ulong D2, ulong D3)
    {
        public bool Equals(Key other) => ReferenceEquals(Owner, other.Owner) && D0 == other.D0 && D1 == other.D1 && D2 == other.D2 && D3 == other.D3;

        public override int GetHashCode() => (int)D0;
    }

    private sealed record Entry(Key Key, object Owner, CachedResponse Response);
}
