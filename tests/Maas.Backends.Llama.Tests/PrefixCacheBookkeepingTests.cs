namespace Maas.Backends.Llama.Tests;

public sealed class PrefixCacheBookkeepingTests
{
    [Fact]
    public void FindLongest_PicksTheEntryWithTheLongestCommonPrefix()
    {
        var cache = new PrefixCache(100);
        var freed = new List<int>();
        cache.Add(0, [1, 2, 3, 4], 4, freed);
        cache.Add(1, [1, 2, 9, 9, 9], 5, freed);
        var entry = cache.FindLongest([1, 2, 3, 7], out var length);
        Assert.Equal(0, entry!.Slot);
        Assert.Equal(3, length);
        Assert.Empty(freed);
    }

    [Fact]
    public void Add_OverBudget_EvictsLeastRecentlyUsed()
    {
        var cache = new PrefixCache(8);
        var freed = new List<int>();
        cache.Add(0, [1, 1, 1, 1], 4, freed);
        cache.Add(1, [2, 2, 2, 2], 4, freed);
        cache.FindLongest([1, 1], out _);
        cache.Add(2, [3, 3, 3, 3], 4, freed);
        Assert.Equal([1], freed);
        Assert.Equal(8, cache.Tokens);
    }

    [Fact]
    public void Add_ContainedOrContaining_KeepsOnlyTheLonger()
    {
        var cache = new PrefixCache(100);
        var freed = new List<int>();
        cache.Add(0, [1, 2], 2, freed);
        cache.Add(1, [1, 2, 3], 3, freed);
        Assert.Equal([0], freed);
        cache.Add(2, [1, 2, 3], 2, freed);
        Assert.Equal([0, 2], freed);
        Assert.Equal(1, cache.Count);
        Assert.Equal(3, cache.Tokens);
    }

    [Fact]
    public void Add_LongerThanTheBudget_IsNotKept()
    {
        var cache = new PrefixCache(2);
        var freed = new List<int>();
        cache.Add(5, [1, 2, 3], 3, freed);
        Assert.Equal([5], freed);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryEvictLeastRecent_SparesTheEntryToKeep()
    {
        var cache = new PrefixCache(100);
        var freed = new List<int>();
        cache.Add(0, [1], 1, freed);
        var keep = cache.FindLongest([1], out _);
        Assert.False(cache.TryEvictLeastRecent(keep, out _));
        Assert.True(cache.TryEvictLeastRecent(null, out var slot));
        Assert.Equal(0, slot);
    }
}
