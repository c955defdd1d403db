using Maas.Benchmarks.Embed;
using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Llm;
using Maas.Benchmarks.Load;
using Maas.Benchmarks.Micro;

// Maas.Benchmarks: `micro` (default) runs the BenchmarkDotNet suite, `e2e` the end-to-end
// ratios P1 and P2 of BENCHMARKING.md against a real `maas serve` child process, `load` the
// closed-loop concurrency ratios P3, P4 and P4b, `embed` the minilm-embed pipeline's throughput
// against the same work in-process.
if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("""
        Maas.Benchmarks — figures for docs/benchmarks.md.

          micro [BenchmarkDotNet options]   parse/serialize micro-benchmarks (default command)
                                            e.g. micro --filter '*Parse*'   micro --list flat
                                            --out-of-process: one process per benchmark (slower)
          e2e [options]                     P1 and P2 end to end, side by side; e2e --help for options
          load [options]                    P3, P4, P4b: closed-loop concurrency 1..16, batching off/on,
                                            in-process ceiling, bare Kestrel; load --help for options
          embed [options]                   pipelines: minilm-embed at concurrency 16 over KServe REST and
                                            /v1/embeddings vs tokenizer + ORT + mean pool in-process,
                                            batch 1 and 16; embed --help for options
          llm [options]                     P5-P8: LLM decode, continuous batching, TTFT, ITL against a raw
                                            LLamaSharp loop on the same GGUF (llm --help for options)
          llm-prefix [options]              TTFT with a ~1,000-token shared prefix, prompt-prefix cache on vs off
        """);
    return 0;
}

if (args.Length > 0 && args[0] == "e2e")
{
    return E2eCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "embed")
{
    return EmbedCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "llm")
{
    return LlmCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "llm-prefix")
{
    return LlmPrefixCommand.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "load")
{
    return LoadCommand.Run(args[1..]);
}

return MicroRunner.Run(args.Length > 0 && args[0] == "micro" ? args[1..] : args);
