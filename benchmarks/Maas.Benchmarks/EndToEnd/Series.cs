namespace Maas.Benchmarks.EndToEnd;

/// <summary>The windows measured for one target, in round order.</summary>
internal sealed class Series
{
    public Series(ITarget target) => Target = target;

    public ITarget Target { get; }

    public List<LatencyWindow> Windows { get; } = [];

    /// <summary>The last three windows pooled: the figures reported.</summary>
    public LatencyWindow Final => LatencyWindow.Pool(Windows.TakeLast(3));

    /// <summary>Whether the p50s of the last three windows lie within <paramref name="tolerance"/> of each other.</summary>
    public bool IsStable(double tolerance)
    {
        if (Windows.Count < 3)
        {
            return false;
        }

        var last = Windows.TakeLast(3).Select(w => w.P50).ToArray();
        return last.Max() <= last.Min() * (1 + tolerance);
    }

    /// <summary>p50 spread of the last three windows, as max/min − 1.</summary>
    public double Spread
    {
        get
        {
            var last = Windows.TakeLast(3).Select(w => w.P50).ToArray();
            return last.Length == 0 ? double.NaN : (last.Max() / last.Min()) - 1;
        }
    }
}
