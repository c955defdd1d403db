using System.Globalization;
using System.Text;
using Maas.Benchmarks.EndToEnd;

namespace Maas.Benchmarks.Llm;

/// <summary>
/// <c>llm-prefix</c>: TTFT of a prompt that shares a long prefix (a ~1,000-token "system prompt")
/// with an earlier request, with the prompt-prefix cache on vs off. One <c>maas serve</c> child
/// pinned to CPU 0 serves the same GGUF twice, <c>on</c> (<c>llm.prefix_cache_tokens</c> 4096) and
/// <c>off</c> (0); the client, pinned to CPU 1, alternates off and on each round with a new user
/// suffix, so every request differs from every earlier one after the shared prefix.
/// </summary>
internal static class LlmPrefixCommand
{
    public static int Run(string[] args)
    {
        var root = LlmCommand.FindRoot();
        var model = Path.Combine(root, ".models", "bench", "tinyllama-shapes-q4_0.gguf");
        var rounds = 3;
        var prefixWords = 1000;
        string? output = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = Path.GetFullPath(args[++i]); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--prefix": prefixWords = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": output = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: llm-prefix [--model GGUF] [--rounds 3] [--prefix 1000] [--out FILE]");
                    return 2;
            }
        }

        if (!File.Exists(model))
        {
            Console.Error.WriteLine($"llm-prefix: {model} is missing; generate it with `dotnet run -c Release --project tools/Maas.GgufGen -- {model} --shape tinyllama --quantize q4_0`.");
            return 2;
        }

        var pin = CpuAffinity.IsAvailable && Environment.ProcessorCount >= 2;
        const string Common = "\"context_length\": 2048, \"max_sequences\": 2, \"threads\": 1, \"batch_size\": 512, \"max_queue\": 4";
        using var repository = new LlmCommand.LlmRepository(model, "{\"llm\": {" + Common + ", \"prefix_cache_tokens\": 4096}}", "on");
        repository.Add(model, "{\"llm\": {" + Common + ", \"prefix_cache_tokens\": 0}}", "off");
        using var server = ServerProcess.Start(E2eCommand.DefaultMaasDll(root), repository.Root, pin ? 0 : null, echo: false, []);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        server.WaitReady(http, TimeSpan.FromMinutes(3));
        if (pin)
        {
            CpuAffinity.PinProcess(Environment.ProcessId, 1);
        }

        var on = new StreamClient(http, "on");
        var off = new StreamClient(http, "off");
        var prefix = SystemPrompt(prefixWords);
        string Prompt(int n) => prefix + "\nUser: question number " + n.ToString(CultureInfo.InvariantCulture) + " about the garden\nAssistant:";

        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        Say($"load average before the run: {File.ReadAllText("/proc/loadavg").Trim()}");
        // Warm-up: both models decode once; for `on` this is the request whose prompt is kept.
        var warmOff = off.CompleteAsync(Prompt(0), 2).GetAwaiter().GetResult();
        var warmOn = on.CompleteAsync(Prompt(0), 2).GetAwaiter().GetResult();
        Say($"model {Path.GetFileName(model)}, prompt {warmOn.PromptTokens} tokens (shared prefix + ~12), first `on` request cached {warmOn.CachedTokens}, first `off` {warmOff.CachedTokens}; pinned: {pin}");

        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var a = off.CompleteAsync(Prompt(round), 2).GetAwaiter().GetResult();
            var b = on.CompleteAsync(Prompt(round), 2).GetAwaiter().GetResult();
            var ratio = b.TimeToFirstToken.TotalSeconds / a.TimeToFirstToken.TotalSeconds;
            ratios.Add(ratio);
            Say($"round {round}: TTFT off {a.TimeToFirstToken.TotalMilliseconds:F0} ms (cached {a.CachedTokens}/{a.PromptTokens}), on {b.TimeToFirstToken.TotalMilliseconds:F0} ms (cached {b.CachedTokens}/{b.PromptTokens}) → {ratio:F3}");
        }

        Say($"prefix cache TTFT on/off {LlmCommand.Median(ratios):F3} (≤ 0.2), median of {rounds} rounds; load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, report.ToString());
        }

        return 0;
    }

    /// <summary>About <paramref name="words"/> tokens of text (each word one GPT-2 token).</summary>
    private static string SystemPrompt(int words)
    {
        var vocabulary = new[] { " river", " stone", " light", " window", " garden", " music", " paper", " cloud" };
        var text = new StringBuilder("System: you answer briefly.");
        for (var i = 0; i < words; i++)
        {
            text.Append(vocabulary[(i * 5 + (i / 8)) % vocabulary.Length]);
        }

        return text.ToString();
    }
}
