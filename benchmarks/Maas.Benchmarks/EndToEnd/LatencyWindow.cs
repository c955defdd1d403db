using System.Diagnostics;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>Latencies of one measurement window (or several pooled), in Stopwatch ticks, sorted.</summary>
internal sealed class LatencyWindow
{
    private readonly long[] _sorted;

    public LatencyWindow(long[] ticks, double seconds)
    {
        _sorted = ticks;
        Array.Sort(_sorted);
        Seconds = seconds;
    }

    public int Count => _sorted.Length;

    public double Seconds { get; }

    public double P50 => Percentile(0.50);

    public double P90 => Percentile(0.90);

    public double P99 => Percentile(0.99);

    /// <summary>Mean latency in microseconds.</summary>
    public double Mean
    {
        get
        {
            double sum = 0;
            foreach (var t in _sorted)
            {
                sum += t;
            }

            return ToMicroseconds(sum / _sorted.Length);
        }
    }

    /// <summary>Nearest-rank percentile in microseconds.</summary>
    public double Percentile(double q)
    {
        var rank = (int)Math.Ceiling(q * _sorted.Length) - 1;
        return ToMicroseconds(_sorted[Math.Clamp(rank, 0, _sorted.Length - 1)]);
    }

    /// <summary>All samples of <paramref name="windows"/> as one window.</summary>
    public static LatencyWindow Pool(IEnumerable<LatencyWindow> windows)
    {
        var all = new List<long>();
        double seconds = 0;
        foreach (var window in windows)
        {
            all.AddRange(window._sorted);
            seconds += window.Seconds;
        }

        return new LatencyWindow([.. all], seconds);
    }

    /// <summary>
    /// Calls <paramref name="target"/> back to back for at least <paramref name="minSeconds"/> and
    /// <paramref name="minSamples"/> calls (but stops at <paramref name="maxSeconds"/>).
    /// </summary>
    public static LatencyWindow Measure(ITarget target, double minSeconds, int minSamples, double maxSeconds)
    {
        var samples = new List<long>(4096);
        var minTicks = (long)(minSeconds * Stopwatch.Frequency);
        var maxTicks = (long)(maxSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        long now;
        do
        {
            var t0 = Stopwatch.GetTimestamp();
            target.Invoke();
            now = Stopwatch.GetTimestamp();
            samples.Add(now - t0);
        }
        while (now - start < maxTicks && (now - start < minTicks || samples.Count < minSamples));

        return new LatencyWindow([.. samples], (double)(now - start) / Stopwatch.Frequency);
    }

    private static double ToMicroseconds(double ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
