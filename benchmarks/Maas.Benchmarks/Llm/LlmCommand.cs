using System.Diagnostics;
using System.Globalization;
using System.Text;
using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Llm;

/// <summary>
/// <c>llm</c>: targets P5–P8 of BENCHMARKING.md in one run. The baseline is a raw LLamaSharp
/// decode loop in this process, pinned to CPU 0 with 1 engine thread; Maas is a <c>maas serve</c>
/// child pinned to CPU 0 with the same GGUF and <c>llm.threads</c> 1, driven over HTTP (streamed
/// <c>/v1/completions</c>) by this process pinned to CPU 1. Baseline and Maas alternate, round by round.
/// </summary>
internal static class LlmCommand
{
    private const int Sequences = 4;
    private const int ContextLength = 1024;
    private const int BatchSize = 512;

    public static int Run(string[] args)
    {
        var root = FindRoot();
        var model = Path.Combine(root, ".models", "bench", "tinyllama-shapes-q4_0.gguf");
        var tokens = 32;
        var rounds = 2;
        var prefillChunk = 8;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = Path.GetFullPath(args[++i]); break;
                case "--tokens": tokens = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--prefill-chunk": prefillChunk = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": output = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: llm [--model GGUF] [--tokens 32] [--rounds 2] [--prefill-chunk 8] [--out FILE]");
                    return 2;
            }
        }

        if (!File.Exists(model))
        {
            Console.Error.WriteLine($"llm: {model} is missing; generate it with `dotnet run -c Release --project tools/Maas.GgufGen -- {model} --shape tinyllama --quantize q4_0`.");
            return 2;
        }

        var maasDll = E2eCommand.DefaultMaasDll(root);
        var pin = CpuAffinity.IsAvailable && Environment.ProcessorCount >= 2;
        var config = "{\"llm\": {\"context_length\": " + ContextLength + ", \"max_sequences\": " + (Sequences + 1) + ", \"threads\": 1, \"batch_size\": " + BatchSize
            + ", \"prefill_chunk\": " + prefillChunk + ", \"max_queue\": 8, \"prefix_cache_tokens\": 0}}";
        // The prefix cache is off: P7 and P8 send the same long prompt every round and measure its prefill.
        using var repository = new LlmRepository(model, config);
        using var server = ServerProcess.Start(maasDll, repository.Root, pin ? 0 : null, echo: false, []);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        server.WaitReady(http, TimeSpan.FromMinutes(3));
        if (pin)
        {
            // Every client thread on CPU 1; the raw baseline's calling thread moves to CPU 0 while it decodes.
            CpuAffinity.PinProcess(Environment.ProcessId, 1);
        }

        using var raw = new RawLlama(model, threads: 1, Sequences + 1, ContextLength, BatchSize);
        var shortPrompt = raw.Tokenize("Once upon a time in a land far away");
        var longText = LongPrompt(raw, 512);
        var longPrompt = raw.Tokenize(longText);
        var client = new StreamClient(http, "bench");
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        Say($"load average before the run: {File.ReadAllText("/proc/loadavg").Trim()}");
        Say($"model {Path.GetFileName(model)}, {tokens} tokens per stream, {Sequences} streams, 512-token prompt = {longPrompt.Length} tokens, prefill_chunk {prefillChunk}, pinned: {pin}");
        // Warm-up: both sides decode a little first (JIT, page cache, KV allocation).
        Pin(pin, 0);
        raw.DecodeTokensPerSecond(1, 4, shortPrompt);
        Client(pin, () => client.CompleteAsync("Once upon a time in a land far away", 4)).GetAwaiter().GetResult();

        var p5 = new List<double>();
        var p6 = new List<double>();
        var p7 = new List<double>();
        var p8 = new List<(double P50, double P99)>();
        for (var round = 1; round <= rounds; round++)
        {
            // Baseline and Maas alternate measurement by measurement (A B, A B, A B), so a burst of
            // load from elsewhere on the machine hits one pair, not one side.
            Pin(pin, 0);
            var raw1 = raw.DecodeTokensPerSecond(1, tokens, shortPrompt);
            Pin(pin, 1);
            var one = client.CompleteAsync("Once upon a time in a land far away", tokens + 1).GetAwaiter().GetResult();
            Pin(pin, 0);
            var raw4 = raw.DecodeTokensPerSecond(Sequences, tokens, shortPrompt);
            Pin(pin, 1);
            var four = Task.WhenAll(Enumerable.Range(0, Sequences).Select(_ => Task.Run(() => client.CompleteAsync("Once upon a time in a land far away", tokens + 1)))).GetAwaiter().GetResult();
            Pin(pin, 0);
            var rawPrefill = raw.PrefillTokensPerSecond(longPrompt);
            Pin(pin, 1);
            var ttft = client.CompleteAsync(longText, 1).GetAwaiter().GetResult();
            var (p50, p99) = InterTokenWithArrival(client, longText, tokens);

            var maas4 = four.Sum(s => s.DecodeRate);
            var expectedTtft = longPrompt.Length / rawPrefill;
            p5.Add(one.DecodeRate / raw1);
            p6.Add(maas4 / raw4);
            p7.Add(ttft.TimeToFirstToken.TotalSeconds / expectedTtft);
            p8.Add((p50, p99));
            Say($"round {round}: P5 raw {raw1:F2} tok/s, Maas {one.DecodeRate:F2} tok/s → {one.DecodeRate / raw1:F3}");
            Say($"round {round}: P6 raw {raw4:F2} tok/s (4 in one batch), Maas {maas4:F2} tok/s (4 streams) → {maas4 / raw4:F3}");
            Say($"round {round}: P7 raw prefill {rawPrefill:F1} tok/s → {expectedTtft * 1000:F0} ms; Maas TTFT {ttft.TimeToFirstToken.TotalMilliseconds:F0} ms ({ttft.PromptTokens} prompt tokens) → {ttft.TimeToFirstToken.TotalSeconds / expectedTtft:F3}");
            Say($"round {round}: P8 ITL with 4 streams while a 512-token prompt arrives: p50 {p50 * 1000:F0} ms, p99 {p99 * 1000:F0} ms → {p99 / p50:F2}");
        }

        Say($"P5 {Median(p5):F3} (≥ 0.95)  P6 {Median(p6):F3} (≥ 0.90)  P7 {Median(p7):F3} (≤ 1.05)  P8 {Median(p8.Select(p => p.P99 / p.P50).ToList()):F2} (≤ 2)   medians of {rounds} rounds; load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, report.ToString());
        }

        return 0;
    }

    /// <summary>4 streams run; once each has a few tokens a 512-token prompt arrives; ITL of the 4 from its arrival to its first token and beyond.</summary>
    private static (double P50, double P99) InterTokenWithArrival(StreamClient client, string longText, int tokens)
    {
        var started = new CountdownEvent(Sequences);
        var streams = Enumerable.Range(0, Sequences).Select(_ => Task.Run(() => client.CompleteAsync("Once upon a time in a land far away", tokens * 3, n =>
        {
            if (n == 4)
            {
                started.Signal();
            }
        }))).ToArray();
        started.Wait();
        var arrival = Stopwatch.GetTimestamp();
        var prompt = client.CompleteAsync(longText, 1).GetAwaiter().GetResult();
        var end = prompt.EventTimes[^1];
        var results = Task.WhenAll(streams).GetAwaiter().GetResult();
        var gaps = results.SelectMany(r => r.Gaps(0, long.MaxValue)).Order().ToList();
        _ = arrival;
        _ = end;
        return (Percentile(gaps, 0.5), Percentile(gaps, 0.99));
    }

    private static void Pin(bool pin, int cpu)
    {
        if (pin)
        {
            CpuAffinity.PinCurrentThread(cpu);
        }
    }

    private static async Task<T> Client<T>(bool pin, Func<Task<T>> run)
    {
        if (pin)
        {
            CpuAffinity.PinCurrentThread(1);
        }

        return await run();
    }

    private static string LongPrompt(RawLlama raw, int count)
    {
        var words = new[] { " river", " stone", " light", " window", " garden", " music", " paper", " cloud" };
        var text = new StringBuilder("Story:");
        while (raw.Tokenize(text.ToString()).Length < count)
        {
            text.Append(words[text.Length % words.Length]);
        }

        return text.ToString();
    }

    private static double Percentile(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maas.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Maas.slnx above the benchmark binaries.");
    }

    /// <summary>A temporary repository with the GGUF linked as <c>bench/1/model.gguf</c>.</summary>
    internal sealed class LlmRepository : IDisposable
    {
        public LlmRepository(string model, string config, string name = "bench")
        {
            Root = Path.Combine(Path.GetTempPath(), "maas-llm-bench-" + Guid.NewGuid().ToString("N"));
            Add(model, config, name);
        }

        /// <summary>Links the GGUF as one more model, <c>name/1/model.gguf</c>.</summary>
        public void Add(string model, string config, string name)
        {
            Directory.CreateDirectory(Path.Combine(Root, name, "1"));
            File.CreateSymbolicLink(Path.Combine(Root, name, "1", "model.gguf"), model);
            File.WriteAllText(Path.Combine(Root, name, "config.json"), config);
        }

        public string Root { get; }

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
