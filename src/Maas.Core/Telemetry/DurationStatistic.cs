namespace Maas.Core.Telemetry;

/// <summary>A count and a cumulative duration in nanoseconds, as Triton's statistics report them. Thread-safe.</summary>
public sealed class DurationStatistic
{
    private long _count;
    private long _nanoseconds;

    /// <summary>How many times.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Total time, nanoseconds.</summary>
    public long Nanoseconds => Volatile.Read(ref _nanoseconds);

    /// <summary>Adds <paramref name="count"/> occurrences that took <paramref name="elapsed"/> in total.</summary>
    public void Add(TimeSpan elapsed, long count = 1)
    {
        Interlocked.Add(ref _count, count);
        Interlocked.Add(ref _nanoseconds, (long)(elapsed.Ticks * 100));
    }
}
