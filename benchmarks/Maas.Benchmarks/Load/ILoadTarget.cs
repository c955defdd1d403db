namespace Maas.Benchmarks.Load;

/// <summary>One thing to load: a server endpoint driven by closed-loop clients, or the engine in-process.</summary>
internal interface ILoadTarget : IDisposable
{
    /// <summary>Short name for tables, e.g. "Maas, no batching".</summary>
    string Name { get; }

    /// <summary>
    /// False for the in-process engine: one thread runs back to back whatever the level, so its
    /// figures are the same at every concurrency (it is measured at every level anyway, side by side).
    /// </summary>
    bool UsesConcurrency { get; }

    /// <summary>
    /// Runs <paramref name="warmupSeconds"/> of load at <paramref name="concurrency"/>, then measures
    /// a window of <paramref name="windowSeconds"/> under the same load.
    /// </summary>
    LoadWindow Measure(int concurrency, double warmupSeconds, double windowSeconds);
}
