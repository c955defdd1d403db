namespace Maas.Backends.Llama;

/// <summary>
/// Bookkeeping of the prompt-prefix (KV) cache: which spare sequence slots still hold the KV of
/// a finished sequence's prompt tokens, within a token budget, evicted least recently used first.
/// Makes no native calls: the engine removes a slot's KV when this class hands the slot back.
/// Touched only by the decode loop.
/// </summary>
internal sealed class PrefixCache
{
    private readonly int _budget;
    private readonly List<Entry> _entries = [];
    private long _clock;

    /// <param name="budgetTokens">Most prompt tokens retained over all entries; 0 retains nothing.</param>
    public PrefixCache(int budgetTokens)
    {
        _budget = budgetTokens;
    }

    /// <summary>Whether anything can be retained.</summary>
    public bool Enabled => _budget > 0;

    /// <summary>Retained entries (each holds one slot).</summary>
    public int Count => _entries.Count;

    /// <summary>Tokens retained over all entries.</summary>
    public int Tokens { get; private set; }

    /// <summary>Tokens <paramref name="a"/> and <paramref name="b"/> have in common from the start.</summary>
    public static int CommonPrefix(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var length = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }

    /// <summary>
    /// The retained entry sharing the longest prefix with <paramref name="prompt"/> (null when none
    /// shares a token) and that length; the entry counts as used now.
    /// </summary>
    public Entry? FindLongest(ReadOnlySpan<int> prompt, out int length)
    {
        Entry? best = null;
        length = 0;
        foreach (var entry in _entries)
        {
            var common = CommonPrefix(prompt, entry.Tokens.AsSpan(0, entry.Length));
            if (common > length)
            {
                best = entry;
                length = common;
            }
        }

        if (best is not null)
        {
            best.LastUsed = ++_clock;
        }

        return best;
    }

    /// <summary>
    /// Retains the first <paramref name="length"/> tokens of <paramref name="tokens"/> held in
    /// <paramref name="slot"/>. Entries the new one contains are dropped; if an entry already
    /// contains the new one, or it exceeds the budget, the new one is not kept. Every slot no
    /// longer retained (possibly <paramref name="slot"/> itself) is added to
    /// <paramref name="freed"/>; the caller removes its KV and frees it.
    /// </summary>
    public void Add(int slot, int[] tokens, int length, List<int> freed)
    {
        if (length <= 0 || length > _budget)
        {
            freed.Add(slot);
            return;
        }

        var span = tokens.AsSpan(0, length);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var entry = _entries[i];
            var common = CommonPrefix(span, entry.Tokens.AsSpan(0, entry.Length));
            if (common == length)
            {
                // An existing entry already holds all of it.
                entry.LastUsed = ++_clock;
                freed.Add(slot);
                return;
            }

            if (common == entry.Length)
            {
                RemoveAt(i);
                freed.Add(entry.Slot);
            }
        }

        _entries.Add(new Entry(slot, tokens, length) { LastUsed = ++_clock });
        Tokens += length;
        while (Tokens > _budget && TryEvictLeastRecent(null, out var evicted))
        {
            freed.Add(evicted);
        }
    }

    /// <summary>Evicts the least recently used entry other than <paramref name="keep"/>; false when there is none.</summary>
    public bool TryEvictLeastRecent(Entry? keep, out int slot)
    {
        var victim = -1;
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i] != keep && (victim < 0 || _entries[i].LastUsed < _entries[victim].LastUsed))
            {
                victim = i;
            }
        }

        if (victim < 0)
        {
            slot = -1;
            return false;
        }

        slot = _entries[victim].Slot;
        RemoveAt(victim);
        return true;
    }

    /// <summary>Stops retaining <paramref name="entry"/>; its slot now belongs to the caller.</summary>
    public void Remove(Entry entry)
    {
        var index = _entries.IndexOf(entry);
        if (index >= 0)
        {
            RemoveAt(index);
        }
    }

    /// <summary>Drops every entry, adding their slots to <paramref name="freed"/>.</summary>
    public void Clear(List<int> freed)
    {
        foreach (var entry in _entries)
        {
            freed.Add(entry.Slot);
        }

        _entries.Clear();
        Tokens = 0;
    }

    private void RemoveAt(int index)
    {
        Tokens -= _entries[index].Length;
        _entries.RemoveAt(index);
    }

    /// <summary>A retained prompt prefix: the slot whose KV holds positions 0 to Length − 1 of Tokens.</summary>
    internal sealed class Entry(int slot, int[] tokens, int length)
    {
        public int Slot { get; } = slot;

        public int[] Tokens { get; } = tokens;

        public int Length { get; } = length;

        public long LastUsed { get; set; }
    }
}
