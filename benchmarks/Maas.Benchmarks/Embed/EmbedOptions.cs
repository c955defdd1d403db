using Maas.Benchmarks.Load;

namespace Maas.Benchmarks.Embed;

/// <summary>
/// Command-line options of <c>embed</c>: its own (<c>--sentences</c>) and every option of
/// <c>load</c> that applies (parsed by <see cref="LoadOptions"/>, with concurrency 16 by default).
/// </summary>
internal sealed class EmbedOptions
{
    public const string Usage = """
        embed — pipelines: embeddings throughput of the minilm-embed pipeline (wordpiece_tokenizer →
        minilm → mean_pool) against the same work in-process, side by side in one run.

        Starts `dotnet <maas.dll> serve` on a temp repository holding minilm (1 intra-op and 1 inter-op
        thread, 1 instance, max_batch_size --max-batch, max_queue_delay_microseconds --batch-delay-us)
        and the demo repository's minilm-embed pipeline (its config.json and vocab.txt), pinned to
        --server-cpu; this process (the closed-loop clients) runs on --client-cpu. Targets, alternated
        window by window (A B C D, A B C D, ...) until three consecutive windows of each agree:
          in-process, batch 1        the pipeline's own processors (Maas.Pipelines) + ONNX Runtime with
                                     the server's session options, one sentence per call, on the server's CPU
          Maas KServe REST           POST /v2/models/minilm-embed/infer, JSON BYTES input, one sentence
          in-process, batch N        the same, N = --max-batch sentences per call (the ceiling)
          Maas /v1/embeddings        POST /v1/embeddings, one string, encoding_format base64 (the openai SDK's default)
        Each client sends one sentence, always the same (client i: sentence i % 4).

          --sentences same|mixed   same (default): four sentences of 16 tokens each, so every request has
                                   the same shape and can batch with any other; mixed: four sentences of
                                   different lengths (padded to a multiple of 16 by the pipeline's
                                   tokenizer, the scheduler batches sentences of one 16-token bucket;
                                   the in-process batch, with the same options, pads all to the longest)
        and, as for `load`: --concurrency LIST (default 16), --max-batch N (16), --batch-delay-us N (0), --no-adaptive-delay,
          --client raw|httpclient, --window S, --warmup S, --min-rounds N, --max-rounds N, --tolerance F,
          --jit-settle-max S, --models DIR, --maas PATH, --server-cpu N, --client-cpu N, --no-pin,
          --out FILE, --server-env NAME=VALUE, --verbose
        """;

    private EmbedOptions(LoadOptions load, bool mixed)
    {
        Load = load;
        Mixed = mixed;
    }

    public LoadOptions Load { get; }

    /// <summary>True for <c>--sentences mixed</c>.</summary>
    public bool Mixed { get; }

    public IReadOnlyList<string> Sentences => Mixed ? Embed.Sentences.Mixed : Embed.Sentences.SameLength;

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> set (empty for --help) when it cannot.</summary>
    public static EmbedOptions? Parse(string[] args, out string? error)
    {
        var mixed = false;
        List<string> rest = ["--concurrency", "16"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    error = "";
                    return null;
                case "--sentences" when i + 1 < args.Length && args[i + 1] is "same" or "mixed":
                    mixed = args[++i] == "mixed";
                    break;
                case "--sentences":
                    error = "--sentences: give same or mixed";
                    return null;
                case "--scenarios" or "--tokens" or "--baseline-sessions":
                    error = $"{args[i]} is an option of `load`, not of `embed`";
                    return null;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        var load = LoadOptions.Parse([.. rest], out error);
        return load is null ? null : new EmbedOptions(load, mixed);
    }
}
