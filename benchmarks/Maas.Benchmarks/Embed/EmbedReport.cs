using System.Globalization;
using System.Text;
using Maas.Benchmarks.Load;

namespace Maas.Benchmarks.Embed;

/// <summary>Writes the results of <c>embed</c> as the Markdown that docs/benchmarks.md quotes.</summary>
internal static class EmbedReport
{
    /// <summary>Maas embeddings/s at concurrency 16 ÷ in-process batch-16 embeddings/s.</summary>
    public const double Target = 0.85;

    public static string Write(IReadOnlyList<LoadPoint> points, EmbedOptions options, long[] tokens, bool pin, double? jitSettled, string? loadAtStart, BatchStats? total, string[] args)
    {
        var o = options.Load;
        var text = new StringBuilder();
        LoadReport.AppendRunHeader(text, $"dotnet benchmarks/Maas.Benchmarks/bin/Release/net10.0/linux-x64/Maas.Benchmarks.dll embed {string.Join(' ', args)}", points, loadAtStart, ", so ~2 is its own load");
        text.AppendLine(pin
            ? Invariant($"Pinned: `maas serve` (all its threads) on CPU {o.ServerCpu}; the closed-loop clients (this process) on CPU {o.ClientCpu}; the in-process side on a thread pinned to CPU {o.ServerCpu}.")
            : "Unpinned.");
        text.AppendLine(Invariant($"Served: `{EmbedCommand.Model}` with `{o.BatchedConfig}`, and the demo repository's `{EmbedCommand.Pipeline}` config.json unchanged (wordpiece_tokenizer, max_length 256, padding longest rounded up to a multiple of 16 → {EmbedCommand.Model} → mean_pool, normalize). In-process: the same wordpiece_tokenizer and mean_pool processors (Maas.Pipelines, same options) around one ONNX Runtime session with the same session options, one thread on the server's CPU."));
        text.AppendLine(Invariant($"Sentences ({(options.Mixed ? "mixed" : "same")}): {string.Join("; ", options.Sentences.Select((s, i) => $"\"{s}\" ({tokens[i]} tokens)"))}. Client i sends sentence i % {options.Sentences.Count}, one per request; an in-process batch of N is sentences i..i+N−1 (mod {options.Sentences.Count}), padded as the pipeline's tokenizer pads one request of those texts."));
        text.AppendLine(Invariant($"Clients: closed loop, {(o.RawClient ? "raw HTTP/1.1 (one thread and one kept-alive socket per loop, blocking calls, each request serialized once)" : "one HttpClient (SocketsHttpHandler, async)")}; KServe body JSON with a BYTES input of shape [1]; /v1/embeddings body with one string and encoding_format base64. Targets alternate window by window; {o.Warmup:0.##} s of load then a {o.Window:0.##} s window per target per round, {o.MinRounds}–{o.MaxRounds} rounds until the last three windows of every target agree within {o.Tolerance:P0}; the figures pool the last three windows."));
        text.AppendLine(o.JitSettleMax <= 0
            ? "JIT warm-up: skipped (--jit-settle-max 0)."
            : jitSettled is { } settled
                ? Invariant($"JIT warm-up: all targets in turn until the tiering threads of both processes were quiet, which took {settled:0} s of load.")
                : Invariant($"JIT warm-up: the tiering threads were still busy after {o.JitSettleMax:0} s; figures may include JIT work."));
        text.AppendLine();

        var batchName = $"in-process, batch {o.MaxBatch}";
        foreach (var point in points)
        {
            text.AppendLine(Invariant($"#### Concurrency {point.Concurrency} ({point.Rounds} rounds{(point.Converged ? "" : ", did not converge")})"));
            text.AppendLine();
            text.AppendLine("| target | embeddings/s | p50 ms | p90 ms | p99 ms | server CPU | CPU µs / embedding | engine µs / embedding | minilm batches (rows per run) |");
            text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var series in point.Series)
            {
                var w = series.Final;
                var cpu = w.ServerCpu is { } c ? Invariant($"{c * 1e6 / w.Throughput:0}") : "–";
                var engine = w.Batches is { } b ? Invariant($"{b.EngineMicrosPerRow:0}") : "–";
                text.AppendLine(Invariant($"| {series.Target.Name} | {w.Throughput:0.0} | {w.Latency.P50 / 1000:0.0} | {w.Latency.P90 / 1000:0.0} | {w.Latency.P99 / 1000:0.0} | {Cpu(w.ServerCpu)} | {cpu} | {engine} | {w.Batches?.Describe() ?? "–"} |"));
            }

            text.AppendLine();
            text.AppendLine("Server CPU is the `maas serve` process's (the in-process side's thread for in-process rows), in cores; CPU µs / embedding is that over the throughput; engine µs / embedding is minilm's `compute_infer` time per row from its statistics. In-process latencies are per call (a whole batch).");
            text.AppendLine();
            var batch = point[batchName];
            var single = point[$"in-process, batch 1"];
            var kserve = point[EmbedCommand.KServe];
            var openai = point[EmbedCommand.OpenAI];
            text.AppendLine("| definition | measured | target | verdict |");
            text.AppendLine("| --- | ---: | ---: | --- |");
            Ratio(text, $"KServe REST: Maas embeddings/s ÷ in-process batch-{o.MaxBatch} embeddings/s", kserve, batch, Target);
            Ratio(text, $"/v1/embeddings: Maas embeddings/s ÷ in-process batch-{o.MaxBatch} embeddings/s", openai, batch, Target);
            Ratio(text, "KServe REST: Maas embeddings/s ÷ in-process batch-1 embeddings/s (what batching in the server buys over one in-process worker)", kserve, single, null);
            Ratio(text, $"in-process batch {o.MaxBatch} ÷ batch 1 (the ceiling's own batching gain)", batch, single, null);
            text.AppendLine();
        }

        if (total is not null)
        {
            text.AppendLine(Invariant($"minilm over the whole run (warm-up and checks included): {total.Requests} requests in {total.Executions} engine runs ({total.Describe(6)})."));
        }

        return text.ToString();
    }

    private static void Ratio(StringBuilder text, string definition, LoadSeries a, LoadSeries b, double? target)
    {
        var ratio = a.Final.Throughput / b.Final.Throughput;
        var rounds = new List<double>();
        for (var i = 0; i < Math.Min(a.Windows.Count, b.Windows.Count); i++)
        {
            rounds.Add(a.Windows[i].Throughput / b.Windows[i].Throughput);
        }

        var detail = Invariant($"{a.Final.Throughput:0.0} ÷ {b.Final.Throughput:0.0}; per round {string.Join(", ", rounds.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}");
        text.AppendLine(target is { } t
            ? Invariant($"| {definition} ({detail}) | **{ratio:0.000}** | ≥ {t:0.00} | **{(ratio >= t ? "met" : "missed")}** |")
            : Invariant($"| {definition} ({detail}) | {ratio:0.000} | – | – |"));
    }

    private static string Cpu(double? cores) => cores is { } c ? Invariant($"{c:P0}") : "–";

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
