using System.Diagnostics;
using Maas.Benchmarks.Payloads;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// One side-by-side measurement: a payload, the in-process baseline and the server paths, run
/// alternately so drift in the machine hits all of them alike. <see cref="Alternation.Windows"/>:
/// one window per target per round (A B C, A B C, ...). <see cref="Alternation.Requests"/>: one
/// request per target in turn within a round (A B C A B C ... for the whole round), which cancels
/// drift shorter than a window, at the price of each target running with the others' cache state.
/// </summary>
internal sealed class Scenario
{
    private readonly Func<ServerStats?>? _readStats;

    // _snapshots[r]: the server's statistics after r rounds (0: before the first).
    private readonly List<ServerStats?> _snapshots = [];

    public Scenario(string id, string title, ModelPayload payload, IReadOnlyList<ITarget> targets, Func<ServerStats?>? readStats = null)
    {
        _readStats = readStats;
        Id = id;
        Title = title;
        Payload = payload;
        Series = [.. targets.Select(t => new Series(t))];
    }

    public string Id { get; }

    /// <summary>The server's statistics before the last three rounds and after the last one (the rounds the figures pool).</summary>
    public (ServerStats? Before, ServerStats? After) Stats =>
        _snapshots.Count > Rounds ? (_snapshots[Math.Max(0, Rounds - 3)], _snapshots[Rounds]) : (null, null);

    public string Title { get; }

    public ModelPayload Payload { get; }

    public IReadOnlyList<Series> Series { get; }

    public int Rounds { get; private set; }

    public bool Converged { get; private set; }

    public Alternation Alternate { get; private set; }

    public Series this[string name] => Series.First(s => s.Target.Name == name);

    public void Run(E2eOptions options, PinnedWorker? engineCpu, Func<bool> cancelled)
    {
        Alternate = options.AlternateFor(Id);
        Console.WriteLine($"== {Id}: {Title} (alternating {Alternate.ToString().ToLowerInvariant()})");
        foreach (var series in Series)
        {
            OnCpu(series.Target, engineCpu, () => LatencyWindow.Measure(series.Target, options.Warmup, 10, Math.Max(options.Warmup, options.MaxWindow)));
            Console.WriteLine($"   warmed up {series.Target.Name}");
        }

        foreach (var series in Series)
        {
            (series.Target as InProcessTarget)?.ResetSessionStats();
        }

        _snapshots.Add(_readStats?.Invoke());
        for (var round = 1; round <= options.MaxRounds && !cancelled(); round++)
        {
            var windows = Alternate == Alternation.Windows
                ? Series.Select(s => MeasureAlone(s.Target, options, engineCpu)).ToArray()
                : MeasureInterleaved(options, engineCpu);
            for (var i = 0; i < windows.Length; i++)
            {
                var window = windows[i];
                Series[i].Windows.Add(window);
                Console.WriteLine($"   round {round,2}  {Series[i].Target.Name,-16} n={window.Count,6}  p50 {window.P50,10:0.0} µs  p90 {window.P90,10:0.0}  p99 {window.P99,10:0.0}");
            }

            Rounds = round;
            _snapshots.Add(_readStats?.Invoke());
            if (round >= options.MinRounds && Series.All(s => s.IsStable(options.Tolerance)))
            {
                Converged = true;
                break;
            }
        }

    }

    /// <summary>Per round, <paramref name="value"/> of the windows of that round, for the last three rounds.</summary>
    public double[] PerRound(Func<Func<string, LatencyWindow>, double> value)
    {
        var result = new List<double>();
        for (var r = Math.Max(0, Rounds - 3); r < Rounds; r++)
        {
            var round = r;
            result.Add(value(name => this[name].Windows[round]));
        }

        return [.. result];
    }

    private static LatencyWindow MeasureAlone(ITarget target, E2eOptions options, PinnedWorker? engineCpu)
    {
        // A full collection first, so the client's garbage of one target does not land in another's window.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        return OnCpu(target, engineCpu, () => LatencyWindow.Measure(target, options.Window, options.MinSamples, options.MaxWindow));
    }

    // One round: every target once per cycle, cycles until the round has lasted Window per target
    // and each target has MinSamples (capped at MaxWindow per target).
    private LatencyWindow[] MeasureInterleaved(E2eOptions options, PinnedWorker? engineCpu)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var samples = Series.Select(_ => new List<long>(4096)).ToArray();
        var calls = Series.Select(s => TimedCall(s.Target, engineCpu)).ToArray();
        var minTicks = (long)(options.Window * Series.Count * Stopwatch.Frequency);
        var maxTicks = (long)(options.MaxWindow * Series.Count * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        long elapsed;
        do
        {
            for (var i = 0; i < calls.Length; i++)
            {
                samples[i].Add(calls[i]());
            }

            elapsed = Stopwatch.GetTimestamp() - start;
        }
        while (elapsed < maxTicks && (elapsed < minTicks || samples[0].Count < options.MinSamples));

        var seconds = (double)elapsed / Stopwatch.Frequency;
        return [.. samples.Select(s => new LatencyWindow([.. s], seconds))];
    }

    internal static Func<long> TimedCall(ITarget target, PinnedWorker? engineCpu)
    {
        long Call()
        {
            var t0 = Stopwatch.GetTimestamp();
            target.Invoke();
            return Stopwatch.GetTimestamp() - t0;
        }

        return target.OnEngineCpu && engineCpu is not null ? () => engineCpu.Run(Call) : Call;
    }

    private static LatencyWindow OnCpu(ITarget target, PinnedWorker? engineCpu, Func<LatencyWindow> measure) =>
        target.OnEngineCpu && engineCpu is not null ? engineCpu.Run(measure) : measure();
}
