using System.Globalization;
using System.Text;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>Writes the results as the Markdown that docs/benchmarks.md quotes.</summary>
internal static class Report
{
    public const double P1P50TargetMicros = 150;
    public const double P1P99TargetMicros = 600;
    public const double P2Target = 1.0 / 20;

    public static string Write(IReadOnlyList<Scenario> scenarios, E2eOptions options, bool pin, int? baselineCpu, double? jitSettled, string? loadAtStart, string[] args)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {CpuModel()}, {Environment.ProcessorCount} CPU(s); command: `e2e {string.Join(' ', args)}`."));
        text.AppendLine(Invariant($"Load average (1, 5, 15 min) at start: {loadAtStart ?? "n/a"}; at end: {LoadAverage() ?? "n/a"} (this run itself keeps about 1 core busy; above ~2 on 2 cores, other work competed)."));
        text.AppendLine(pin
            ? Invariant($"Pinned: server CPU {options.ServerCpu}, client CPU {options.ClientCpu}, in-process baseline CPU {baselineCpu}.")
            : "Unpinned.");
        if (options.ServerEnvironment.Count > 0)
        {
            text.AppendLine($"Server environment: {string.Join(", ", options.ServerEnvironment.Select(e => $"`{e.Key}={e.Value}`"))}.");
        }

        text.AppendLine(options.JitSettleMax <= 0
            ? "JIT warm-up: skipped (--jit-settle-max 0)."
            : jitSettled is { } settled
                ? Invariant($"JIT warm-up: all targets in turn until both processes' tiering threads were quiet, which took {settled:0} s of load.")
                : Invariant($"JIT warm-up: the tiering threads were still busy after {options.JitSettleMax:0} s; figures may include JIT work."));
        text.AppendLine();

        foreach (var scenario in scenarios)
        {
            text.AppendLine(Invariant($"### {scenario.Id}: {scenario.Title}"));
            text.AppendLine();
            text.AppendLine(Invariant($"{Method(scenario, options)} {scenario.Rounds} rounds, {(scenario.Converged ? "converged" : "NOT converged")} (p50 spread of the last three: {string.Join(", ", scenario.Series.Select(s => Invariant($"{s.Target.Name} {s.Spread:P1}")))})."));
            text.AppendLine();
            text.AppendLine("| path | requests | p50 µs | p90 µs | p99 µs | mean µs |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var series in scenario.Series)
            {
                var w = series.Final;
                text.AppendLine(Invariant($"| {series.Target.Name} | {w.Count} | {w.P50:0.0} | {w.P90:0.0} | {w.P99:0.0} | {w.Mean:0.0} |"));
            }

            text.AppendLine();
            if (scenario.Id == "P1")
            {
                WriteP1(text, scenario);
            }
            else
            {
                WriteP2(text, scenario);
            }

            WriteServerStats(text, scenario);
            WriteSessions(text, scenario);
            text.AppendLine();
        }

        return text.ToString();
    }

    private static void WriteP1(StringBuilder text, Scenario scenario)
    {
        var baseline = scenario[E2eCommand.Baseline].Final;
        var binary = scenario[E2eCommand.Binary].Final;
        var d50 = binary.P50 - baseline.P50;
        var d99 = binary.P99 - baseline.P99;
        var rounds = scenario.PerRound(w => w(E2eCommand.Binary).P50 - w(E2eCommand.Baseline).P50);
        text.AppendLine(Invariant($"- HTTP binary: Δp50 (Maas − in-process) = **{d50:0} µs** (target ≤ {P1P50TargetMicros:0}): **{Verdict(d50 <= P1P50TargetMicros)}**; per round: {Join(rounds, "0")} µs"));
        text.AppendLine(Invariant($"- HTTP binary: Δp99 = **{d99:0} µs** (target ≤ {P1P99TargetMicros:0}): **{Verdict(d99 <= P1P99TargetMicros)}**"));
        if (scenario.Series.Any(s => s.Target.Name == E2eCommand.Grpc))
        {
            var grpc = scenario[E2eCommand.Grpc].Final;
            var g50 = grpc.P50 - baseline.P50;
            var g99 = grpc.P99 - baseline.P99;
            var grpcRounds = scenario.PerRound(w => w(E2eCommand.Grpc).P50 - w(E2eCommand.Baseline).P50);
            text.AppendLine(Invariant($"- gRPC (Maas.Client, raw contents): Δp50 = **{g50:0} µs** (target ≤ {P1P50TargetMicros:0}): **{Verdict(g50 <= P1P50TargetMicros)}**; per round: {Join(grpcRounds, "0")} µs"));
            text.AppendLine(Invariant($"- gRPC: Δp99 = **{g99:0} µs** (target ≤ {P1P99TargetMicros:0}): **{Verdict(g99 <= P1P99TargetMicros)}**"));
        }

        WriteCore(text, scenario, baseline);
        if (scenario.Series.Any(s => s.Target.Name == E2eCommand.Floor))
        {
            var floor = scenario[E2eCommand.Floor].Final;
            text.AppendLine(Invariant($"- HTTP floor (GET /v2/health/live, same client and connection): p50 {floor.P50:0} µs, p99 {floor.P99:0} µs; the infer request costs {binary.P50 - baseline.P50 - floor.P50:0} µs more than an empty round trip at p50"));
            if (scenario.Series.Any(s => s.Target.Name == E2eCommand.Cached))
            {
                var cached = scenario[E2eCommand.Cached].Final;
                var ratio = cached.P50 / floor.P50;
                text.AppendLine(Invariant($"- response-cache hit (same request, same connection): p50 {cached.P50:0} µs, p99 {cached.P99:0} µs = **{ratio:0.00}×** the empty round trip (target ≤ 1.2): **{Verdict(ratio <= 1.2)}**"));
            }

            if (scenario.Series.Any(s => s.Target.Name == E2eCommand.GrpcFloor))
            {
                var grpcFloor = scenario[E2eCommand.GrpcFloor].Final;
                var grpc = scenario[E2eCommand.Grpc].Final;
                text.AppendLine(Invariant($"- gRPC floor (ServerLive, same client and connection): p50 {grpcFloor.P50:0} µs, p99 {grpcFloor.P99:0} µs; ModelInfer costs {grpc.P50 - baseline.P50 - grpcFloor.P50:0} µs more than an empty call at p50"));
            }
        }
    }

    private static void WriteP2(StringBuilder text, Scenario scenario)
    {
        var baseline = scenario[E2eCommand.Baseline].Final;
        var binary = scenario[E2eCommand.Binary].Final;
        var json = scenario[E2eCommand.Json].Final;
        var ob = binary.P50 - baseline.P50;
        var oj = json.P50 - baseline.P50;
        var ratio = ob / oj;
        var obMean = binary.Mean - baseline.Mean;
        var ojMean = json.Mean - baseline.Mean;
        var rounds = scenario.PerRound(w => (w(E2eCommand.Binary).P50 - w(E2eCommand.Baseline).P50) / (w(E2eCommand.Json).P50 - w(E2eCommand.Baseline).P50));
        text.AppendLine(Invariant($"- overhead (Maas − in-process) at p50: binary {ob / 1000:0.000} ms, JSON {oj / 1000:0.000} ms"));
        text.AppendLine(Invariant($"- binary / JSON overhead = **{ratio:0.000}** (≈ 1/{1 / ratio:0}; target ≤ 1/20 = 0.050): **{Verdict(ratio <= P2Target)}**; per round: {Join(rounds, "0.000")}; on means: {obMean / ojMean:0.000}"));
        WriteCore(text, scenario, baseline);
    }

    private static void WriteCore(StringBuilder text, Scenario scenario, LatencyWindow baseline)
    {
        if (scenario.Series.Any(s => s.Target.Name == E2eCommand.Core))
        {
            var core = scenario[E2eCommand.Core].Final;
            var binary = scenario[E2eCommand.Binary].Final;
            text.AppendLine(Invariant($"- split at p50: Maas's core in this process (parse binary + Infer + write, no HTTP, its own session) adds {core.P50 - baseline.P50:0} µs to the engine; HTTP, Kestrel and the second process add {binary.P50 - core.P50:0} µs more"));
        }
    }

    private static void WriteServerStats(StringBuilder text, Scenario scenario)
    {
        if (ServerStats.MeanBetween(scenario.Stats.Before, scenario.Stats.After) is not { } server)
        {
            return;
        }

        var baseline = scenario[E2eCommand.Baseline].Final;
        var clientMean = scenario.Series.Where(s => s.Target is HttpTarget && s.Target.Name != E2eCommand.Floor).Select(s => s.Final.Mean).ToArray();
        text.AppendLine(Invariant($"- the server's own statistics over the same three rounds (means per request): engine (compute_infer) {server.Infer:0} µs vs {baseline.Mean:0} µs in-process; queued {server.Queue:0} µs; enqueue → answer {server.Success:0} µs, so the scheduler adds {server.Success - server.Infer:0} µs around the engine{(clientMean.Length == 1 ? Invariant($" and the rest of the request path (HTTP, parse, write, thread hops, client) {clientMean[0] - server.Success:0} µs") : "")}"));
    }

    private static void WriteSessions(StringBuilder text, Scenario scenario)
    {
        if (scenario.Series.Select(s => s.Target).OfType<InProcessTarget>().FirstOrDefault() is { Sessions: > 1 } target)
        {
            var p50s = target.SessionP50s();
            if (p50s.Length > 1)
            {
                text.AppendLine(Invariant($"- engine session-to-session spread: {p50s.Length} identical in-process sessions had p50 {Join(p50s, "0.0")} µs (range {p50s.Max() - p50s.Min():0} µs); a delta within that range is the luck of one session's memory layout, not server overhead"));
            }
        }
    }

    private static string Method(Scenario scenario, E2eOptions o) => scenario.Alternate == Alternation.Windows
        ? Invariant($"Targets alternate window by window (A B C, A B C); windows ≥ {o.Window} s and ≥ {o.MinSamples} requests; figures pool the last three windows of each target.")
        : Invariant($"Targets alternate request by request (A B C A B C …) in rounds of ≥ {o.Window} s per target and ≥ {o.MinSamples} requests each; figures pool the last three rounds.");

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Join(double[] values, string format) => string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first three fields of /proc/loadavg, or null off Linux.</summary>
    public static string? LoadAverage()
    {
        if (!File.Exists("/proc/loadavg"))
        {
            return null;
        }

        var fields = File.ReadAllText("/proc/loadavg").Split(' ');
        return fields.Length >= 3 ? $"{fields[0]}, {fields[1]}, {fields[2]}" : null;
    }

    /// <summary>The CPU's model name from /proc/cpuinfo, or "unknown CPU".</summary>
    public static string CpuModel()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }

        return "unknown CPU";
    }
}
