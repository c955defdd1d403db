using System.Globalization;
using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Load;

/// <summary>
/// One scenario at one concurrency: every target of the scenario measured window by window in
/// turn (A B C D, A B C D, ...), so drift in the machine hits all of them alike, until the last
/// three windows of each agree within the tolerance or the rounds run out.
/// </summary>
internal sealed class LoadPoint
{
    public LoadPoint(string scenario, int concurrency, IReadOnlyList<ILoadTarget> targets)
    {
        Scenario = scenario;
        Concurrency = concurrency;
        Series = [.. targets.Select(t => new LoadSeries(t))];
    }

    public string Scenario { get; }

    public int Concurrency { get; }

    public IReadOnlyList<LoadSeries> Series { get; }

    public int Rounds { get; private set; }

    public bool Converged { get; private set; }

    /// <summary>The 1-minute load average when the point started and when it ended.</summary>
    public (double Start, double End) Load { get; private set; }

    public LoadSeries this[string name] => Series.First(s => s.Target.Name == name);

    public void Run(LoadOptions options, Func<bool> cancelled)
    {
        Console.WriteLine($"== {Scenario}, concurrency {Concurrency}");
        var loadStart = OneMinuteLoad();
        for (var round = 1; round <= options.MaxRounds && !cancelled(); round++)
        {
            foreach (var series in Series)
            {
                // The engine in-process needs no connections warmed; a short run settles its caches.
                var warmup = series.Target.UsesConcurrency ? options.Warmup : Math.Min(options.Warmup, 0.25);
                series.Windows.Add(series.Target.Measure(Concurrency, warmup, options.Window));
            }

            Rounds = round;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   round {round}: {string.Join(", ", Series.Select(s => $"{s.Target.Name} {s.Windows[^1].Throughput:0.0}/s"))}"));
            if (round >= options.MinRounds && Series.All(s => s.IsStable(options.Tolerance)))
            {
                Converged = true;
                break;
            }
        }

        Load = (loadStart, OneMinuteLoad());
    }

    /// <summary>The 1-minute load average, or NaN off Linux.</summary>
    public static double OneMinuteLoad()
    {
        var text = Report.LoadAverage();
        return text is null ? double.NaN : double.Parse(text.Split(',')[0], CultureInfo.InvariantCulture);
    }
}
