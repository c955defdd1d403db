using System.Globalization;
using System.Text;
using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Load;

/// <summary>Writes the results of <c>load</c> as the Markdown that docs/benchmarks.md quotes.</summary>
internal static class LoadReport
{
    public const double P3Target = 0.90;
    public const double P4Target = 0.90;
    public const double P4bTarget = 0.5;

    public static string Write(IReadOnlyList<LoadPoint> points, LoadOptions options, bool pin, double? jitSettled, string? loadAtStart, string[] args)
    {
        var text = new StringBuilder();
        AppendRunHeader(text, $"dotnet run -c Release --project benchmarks/Maas.Benchmarks -- load {string.Join(' ', args)}", points, loadAtStart, " at high concurrency, so ~2 is its own load; above that, other work competed");
        text.AppendLine(pin
            ? Invariant($"Pinned: `maas serve` (all its threads: Kestrel, scheduler, engine) and the bare Kestrel app on CPU {options.ServerCpu}; the closed-loop clients (this process) on CPU {options.ClientCpu}; the in-process ceiling on a thread pinned to CPU {options.ServerCpu}.")
            : "Unpinned.");
        text.AppendLine(Invariant($"Engine everywhere: ONNX Runtime, 1 intra-op and 1 inter-op thread, ORT_ENABLE_ALL, 1 instance; the in-process ceiling takes turns over {options.BaselineSessions} identical sessions. Batching off: `{LoadOptions.UnbatchedConfig}`; on: `{options.BatchedConfig}`."));
        text.AppendLine(Invariant($"Clients: closed loop, {(options.RawClient ? "raw HTTP/1.1 (one thread and one kept-alive socket per loop, blocking calls, each request serialized once: headers and body)" : "one HttpClient (SocketsHttpHandler, async, one connection per loop)")}, KServe binary tensor bodies built once. Each point: targets alternate window by window; {options.Warmup:0.##} s of load then a {options.Window:0.##} s window per target per round, {options.MinRounds}–{options.MaxRounds} rounds until the last three windows of every target agree within {options.Tolerance:P0} on throughput; the figures pool the last three windows."));
        text.AppendLine(options.JitSettleMax <= 0
            ? "JIT warm-up: skipped (--jit-settle-max 0)."
            : jitSettled is { } settled
                ? Invariant($"JIT warm-up: all targets in turn until the tiering threads of every process were quiet, which took {settled:0} s of load.")
                : Invariant($"JIT warm-up: the tiering threads were still busy after {options.JitSettleMax:0} s; figures may include JIT work."));
        text.AppendLine();

        WriteTargets(text, points);
        foreach (var scenario in points.Select(p => p.Scenario).Distinct())
        {
            WriteScenario(text, scenario, [.. points.Where(p => p.Scenario == scenario)], options);
        }

        return text.ToString();
    }

    private static void WriteTargets(StringBuilder text, IReadOnlyList<LoadPoint> points)
    {
        text.AppendLine("### Targets");
        text.AppendLine();
        text.AppendLine("| # | definition | measured | target | verdict |");
        text.AppendLine("| --- | --- | ---: | ---: | --- |");
        if (Find(points, "minilm", 2) is { } p3)
        {
            var maas = p3[LoadCommand.Unbatched];
            var engine = p3[LoadCommand.InProcess(1)];
            var ratio = maas.Final.Throughput / engine.Final.Throughput;
            var rounds = PerRound(maas, engine, (m, e) => m.Throughput / e.Throughput);
            text.AppendLine(Invariant($"| P3 | MiniLM, no batching, concurrency 2: Maas inferences/s ÷ in-process batch-1 inferences/s ({maas.Final.Throughput:0.0} ÷ {engine.Final.Throughput:0.0}; per round {Join(rounds)}) | **{ratio:0.000}** | ≥ {P3Target:0.00} | **{Verdict(ratio >= P3Target)}** |"));
        }

        var top = points.Where(p => p.Scenario == "minilm").MaxBy(p => p.Concurrency);
        if (top is not null && top.Series.Any(s => s.Target.Name.StartsWith("in-process ORT, batch ", StringComparison.Ordinal) && s.Target.Name != LoadCommand.InProcess(1)))
        {
            var batched = top[LoadCommand.Batched].Final;
            var unbatched = top[LoadCommand.Unbatched].Final;
            var single = top[LoadCommand.InProcess(1)].Final;
            var batch = top.Series.First(s => s.Target is InProcessLoadTarget { Rows: > 1 }).Final;
            var maasGain = batched.Throughput / unbatched.Throughput;
            var engineGain = batch.Throughput / single.Throughput;
            var ratio = maasGain / engineGain;
            text.AppendLine(Invariant($"| P4 | MiniLM, concurrency {top.Concurrency}: Maas batching gain (batching ÷ no batching, {batched.Throughput:0.0} ÷ {unbatched.Throughput:0.0} = {maasGain:0.00}×) ÷ in-process gain (batch-{batch.RowsPerCall} ÷ batch-1 rows/s, {batch.Throughput:0.0} ÷ {single.Throughput:0.0} = {engineGain:0.00}×) | **{ratio:0.000}** | ≥ {P4Target:0.00} | **{Verdict(ratio >= P4Target)}** |"));
            var p95b = batched.Latency.Percentile(0.95);
            var p95u = unbatched.Latency.Percentile(0.95);
            text.AppendLine(Invariant($"| P4 | MiniLM, concurrency {top.Concurrency}: p95 with batching ÷ p95 without ({p95b / 1000:0.0} ms ÷ {p95u / 1000:0.0} ms) | **{p95b / p95u:0.000}** | ≤ 1 | **{Verdict(p95b <= p95u)}** |"));
        }

        var mlp = points.Where(p => p.Scenario == "mlp").MaxBy(p => p.Concurrency);
        if (mlp is not null)
        {
            var batched = mlp[LoadCommand.Batched];
            var get = mlp[LoadCommand.FloorGet];
            var post = mlp[LoadCommand.FloorPost];
            var ratio = batched.Final.Throughput / get.Final.Throughput;
            var rounds = PerRound(batched, get, (m, e) => m.Throughput / e.Throughput);
            text.AppendLine(Invariant($"| P4b | MLP 784→256→10, concurrency {mlp.Concurrency}: Maas requests/s with batching ÷ bare Kestrel empty-endpoint requests/s ({batched.Final.Throughput:0} ÷ {get.Final.Throughput:0}; per round {Join(rounds)}; against a bare-Kestrel POST of the same body: {batched.Final.Throughput / post.Final.Throughput:0.000}) | **{ratio:0.000}** | ≥ {P4bTarget:0.0} | **{Verdict(ratio >= P4bTarget)}** |"));
        }

        text.AppendLine();
    }

    private static void WriteScenario(StringBuilder text, string scenario, IReadOnlyList<LoadPoint> points, LoadOptions options)
    {
        var micro = scenario == "mlp";
        var unit = micro ? "µs" : "ms";
        double Scale(double us) => micro ? us : us / 1000;
        var format = micro ? "0" : "0.00";
        text.AppendLine(scenario == "minilm"
            ? Invariant($"### MiniLM (all-MiniLM-L6-v2), {options.Tokens} tokens per request")
            : "### MLP 784→256→10 (Gemm, Relu, Gemm; seeded random weights)");
        text.AppendLine();
        text.AppendLine(Invariant($"| clients | target | inferences/s | p50 {unit} | p90 {unit} | p95 {unit} | p99 {unit} | server CPU | other on server CPU | client CPU | server engine time per row {unit} | batches formed (rows per execution: share of executions) |"));
        text.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var point in points)
        {
            foreach (var series in point.Series)
            {
                var w = series.Final;
                var l = w.Latency;
                var clients = series.Target.UsesConcurrency ? point.Concurrency.ToString(CultureInfo.InvariantCulture) : "–";
                text.AppendLine(Invariant($"| {clients} | {series.Target.Name} | {w.Throughput:0.0} | {Scale(l.P50).ToString(format, CultureInfo.InvariantCulture)} | {Scale(l.P90).ToString(format, CultureInfo.InvariantCulture)} | {Scale(l.Percentile(0.95)).ToString(format, CultureInfo.InvariantCulture)} | {Scale(l.P99).ToString(format, CultureInfo.InvariantCulture)} | {Cpu(w.ServerCpu)} | {Cpu(w.ServerCpuOthers)} | {Cpu(w.ClientCpu)} | {EngineTime(series.Target, w, Scale, format)} | {w.Batches?.Describe() ?? "–"} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("In-process rows: one thread runs the engine back to back (latency = one run of the whole batch; engine time per row = mean run ÷ rows); they are measured at every level, side by side with the server, and do not depend on the level. *Server CPU*: share of a core used by the server process (of the 1 it is pinned to; for in-process rows, by the engine thread). *Other on server CPU*: how busy that CPU was outside the server process (the kernel's loopback networking, and any other work on the machine: a high figure means the point was disturbed). *Client CPU*: share of its core the client process used. All over warm-up and window. *Server engine time per row*: the server's own compute_infer time over the rows it ran (its batch_stats), the engine's cost inside Maas.");
        text.AppendLine();
        text.AppendLine("| clients | Maas batching ÷ no batching | in-process batch ÷ batch 1 | rounds | throughput spread of the last three windows | 1-min load (start → end) |");
        text.AppendLine("| ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var point in points)
        {
            var maasGain = point[LoadCommand.Batched].Final.Throughput / point[LoadCommand.Unbatched].Final.Throughput;
            var engineGain = point.Series.First(s => s.Target is InProcessLoadTarget { Rows: > 1 }).Final.Throughput / point[LoadCommand.InProcess(1)].Final.Throughput;
            var spreads = string.Join(", ", point.Series.Select(s => Invariant($"{Short(s.Target.Name)} {s.Spread:P0}")));
            text.AppendLine(Invariant($"| {point.Concurrency} | {maasGain:0.00}× | {engineGain:0.00}× | {point.Rounds}{(point.Converged ? "" : " (NOT converged)")} | {spreads} | {point.Load.Start:0.00} → {point.Load.End:0.00} |"));
        }

        text.AppendLine();
    }

    // For the server: compute_infer per row from its statistics; in-process: one run's mean over its rows.
    private static string EngineTime(ILoadTarget target, LoadWindow w, Func<double, double> scale, string format)
    {
        var micros = w.Batches is { } b ? b.EngineMicrosPerRow : target is InProcessLoadTarget && w.Latency.Count > 0 ? w.Latency.Mean / w.RowsPerCall : double.NaN;
        return double.IsNaN(micros) ? "–" : scale(micros).ToString(format == "0" ? "0.0" : "0.000", CultureInfo.InvariantCulture);
    }

    private static LoadPoint? Find(IReadOnlyList<LoadPoint> points, string scenario, int concurrency) =>
        points.FirstOrDefault(p => p.Scenario == scenario && p.Concurrency == concurrency);

    private static double[] PerRound(LoadSeries a, LoadSeries b, Func<LoadWindow, LoadWindow, double> ratio)
    {
        var n = Math.Min(a.Windows.Count, b.Windows.Count);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = ratio(a.Windows[i], b.Windows[i]);
        }

        return values;
    }

    private static string Short(string name) => name switch
    {
        LoadCommand.Unbatched => "unbatched",
        LoadCommand.Batched => "batched",
        LoadCommand.FloorGet => "Kestrel GET",
        LoadCommand.FloorPost => "Kestrel POST",
        _ when name.StartsWith("in-process ORT, batch ", StringComparison.Ordinal) => "engine b" + name["in-process ORT, batch ".Length..],
        _ => name,
    };

    private static string Cpu(double? cores) => cores is { } c ? Invariant($"{c:P0}") : "–";

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));

    /// <summary>
    /// The report's first two lines: when, on what, the command; the load average before, during
    /// (from the points' samples) and after, with <paramref name="ownLoad"/> saying what the run's own share is.
    /// </summary>
    internal static void AppendRunHeader(StringBuilder text, string command, IReadOnlyList<LoadPoint> points, string? loadAtStart, string ownLoad)
    {
        var loads = points.SelectMany(p => new[] { p.Load.Start, p.Load.End }).Where(l => !double.IsNaN(l)).ToArray();
        text.AppendLine(Invariant($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Report.CpuModel()}, {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}; command: `{command}`."));
        text.AppendLine(Invariant($"Load average (1, 5, 15 min) at start: {loadAtStart ?? "n/a"}; 1-min load during the run: {(loads.Length == 0 ? "n/a" : $"{loads.Min():0.00}–{loads.Max():0.00}")}; at end: {Report.LoadAverage() ?? "n/a"} (the run itself keeps both cores busy{ownLoad})."));
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

}
