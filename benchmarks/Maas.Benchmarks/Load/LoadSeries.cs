namespace Maas.Benchmarks.Load;

/// <summary>The windows measured for one target at one concurrency, in round order.</summary>
internal sealed class LoadSeries
{
    public LoadSeries(ILoadTarget target) => Target = target;

    public ILoadTarget Target { get; }

    public List<LoadWindow> Windows { get; } = [];

    /// <summary>The last three windows pooled: the figures reported.</summary>
    public LoadWindow Final => LoadWindow.Pool([.. Windows.TakeLast(3)]);

    /// <summary>Throughput of each window, in round order.</summary>
    public double[] Throughputs => [.. Windows.Select(w => w.Throughput)];

    /// <summary>Whether the throughputs of the last three windows lie within <paramref name="tolerance"/> of each other.</summary>
    public bool IsStable(double tolerance) => Windows.Count >= 3 && Spread <= tolerance;

    /// <summary>Throughput spread of the last three windows, as max/min − 1.</summary>
    public double Spread
    {
        get
        {
            var last = Windows.TakeLast(3).Select(w => w.Throughput).ToArray();
            return last.Length == 0 ? double.NaN : (last.Max() / last.Min()) - 1;
        }
    }
}
