using System.Globalization;

namespace Maas.Benchmarks.Load;

/// <summary>Command-line options of <c>load</c>; every one has a default that reproduces docs/benchmarks.md.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        load — P3, P4 and P4b of BENCHMARKING.md: closed-loop concurrency, side by side in one run.

        Starts `dotnet <maas.dll> serve` on a temp repository that holds each model twice, batching
        off (max_batch_size 0) and on (max_batch_size --max-batch, max_queue_delay_microseconds
        --batch-delay-us), 1 intra-op and 1 inter-op engine thread, 1 instance; and, for the MLP, a
        bare Kestrel app with an empty endpoint (same Kestrel settings as Maas). Both are pinned to
        --server-cpu; this process (the closed-loop clients) to --client-cpu; the in-process ONNX
        Runtime ceiling (batch 1 and batch --max-batch) runs on the server's CPU with the same
        session options. At each concurrency, targets alternate window by window (A B C D, A B C D,
        ...) until three consecutive windows of each agree within --tolerance (throughput).

          --scenarios LIST         minilm, mlp (default minilm,mlp)
          --concurrency LIST       closed-loop clients (default 1,2,4,8,16)
          --tokens N               MiniLM sequence length (default 16)
          --max-batch N            max_batch_size with batching on, and the in-process batch (default 16)
          --batch-delay-us N       dynamic_batching.max_queue_delay_microseconds with batching on (default 0)
          --no-adaptive-delay      dynamic_batching.adaptive_delay false with batching on (default: the server's, true)
          --client KIND            raw (default): one thread and one socket per loop, blocking calls,
                                   each request serialized once (headers and body);
                                   httpclient: HttpClient with SocketsHttpHandler, async. On one
                                   client core HttpClient cannot load bare Kestrel to its limit.
          --window SECONDS         measurement window per target per round (default 3)
          --warmup SECONDS         load before each window, not measured (default 1)
          --min-rounds N           (default 3)   --max-rounds N (default 6)
          --tolerance FRACTION     window agreement on throughput (default 0.10)
          --jit-settle-max SECONDS first, all targets in turn until the JIT of every process is
                                   quiet, at most this long (default 120; 0 skips it)
          --baseline-sessions N    identical in-process sessions the ceiling takes turns over (default 3)
          --models DIR             source model repository (default <repo>/.models/repository)
          --maas PATH              built maas.dll (default: src/Maas.Cli/bin/<same configuration>/.../maas.dll)
          --server-cpu N           (default 0)   --client-cpu N (default 1)
          --no-pin                 do not pin anything (state it when you publish figures)
          --out FILE               also write the report (Markdown) to FILE
          --server-env NAME=VALUE  set an environment variable for the server (repeatable)
          --verbose                echo the servers' output
        """;

    public List<string> Scenarios { get; private set; } = ["minilm", "mlp"];

    public List<int> Concurrency { get; private set; } = [1, 2, 4, 8, 16];

    public int Tokens { get; private set; } = 16;

    public int MaxBatch { get; private set; } = 16;

    public int BatchDelayMicroseconds { get; private set; }

    /// <summary>False for <c>--no-adaptive-delay</c>: the batched model's config turns the adaptive wait off.</summary>
    public bool AdaptiveDelay { get; private set; } = true;

    /// <summary>True for <c>--client raw</c> (the default): <see cref="RawHttpConnection"/> instead of HttpClient.</summary>
    public bool RawClient { get; private set; } = true;

    public double Window { get; private set; } = 3;

    public double Warmup { get; private set; } = 1;

    public int MinRounds { get; private set; } = 3;

    public int MaxRounds { get; private set; } = 6;

    public double Tolerance { get; private set; } = 0.10;

    public double JitSettleMax { get; private set; } = 120;

    public int BaselineSessions { get; private set; } = 3;

    public string? Models { get; private set; }

    public string? Maas { get; private set; }

    public int ServerCpu { get; private set; }

    public int ClientCpu { get; private set; } = 1;

    public bool Pin { get; private set; } = true;

    public string? Out { get; private set; }

    public bool Verbose { get; private set; }

    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];

    /// <summary>The engine settings every served model and the in-process ceiling share.</summary>
    public const string EngineJson = "\"engine\": {\"intra_op_threads\": 1, \"inter_op_threads\": 1}, \"instance_count\": 1";

    /// <summary>config.json with batching off.</summary>
    public static string UnbatchedConfig => "{" + EngineJson + ", \"max_batch_size\": 0}";

    /// <summary>config.json with batching on.</summary>
    public string BatchedConfig => "{" + EngineJson + string.Create(CultureInfo.InvariantCulture, $", \"max_batch_size\": {MaxBatch}, \"dynamic_batching\": {{\"max_queue_delay_microseconds\": {BatchDelayMicroseconds}{(AdaptiveDelay ? "" : ", \"adaptive_delay\": false")}}}}}");

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> set (empty for --help) when it cannot.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var o = new LoadOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{name} needs a value.");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Value(), CultureInfo.InvariantCulture);
            try
            {
                switch (name)
                {
                    case "-h" or "--help":
                        error = "";
                        return null;
                    case "--scenarios": o.Scenarios = List(Value()); break;
                    case "--concurrency": o.Concurrency = [.. List(Value()).Select(v => int.Parse(v, CultureInfo.InvariantCulture))]; break;
                    case "--tokens": o.Tokens = Int(); break;
                    case "--max-batch": o.MaxBatch = Int(); break;
                    case "--batch-delay-us": o.BatchDelayMicroseconds = Int(); break;
                    case "--no-adaptive-delay": o.AdaptiveDelay = false; break;
                    case "--client":
                        o.RawClient = Value() switch
                        {
                            "httpclient" => false,
                            "raw" => true,
                            var other => throw new FormatException($"'{other}' is not httpclient or raw."),
                        };
                        break;
                    case "--window": o.Window = Double(); break;
                    case "--warmup": o.Warmup = Double(); break;
                    case "--min-rounds": o.MinRounds = Int(); break;
                    case "--max-rounds": o.MaxRounds = Int(); break;
                    case "--tolerance": o.Tolerance = Double(); break;
                    case "--jit-settle-max": o.JitSettleMax = Double(); break;
                    case "--baseline-sessions": o.BaselineSessions = Int(); break;
                    case "--models": o.Models = Value(); break;
                    case "--maas": o.Maas = Value(); break;
                    case "--server-cpu": o.ServerCpu = Int(); break;
                    case "--client-cpu": o.ClientCpu = Int(); break;
                    case "--no-pin": o.Pin = false; break;
                    case "--out": o.Out = Value(); break;
                    case "--verbose": o.Verbose = true; break;
                    case "--server-env":
                        var pair = Value();
                        var eq = pair.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            throw new FormatException($"'{pair}' is not NAME=VALUE.");
                        }

                        o.ServerEnvironment.Add(new(pair[..eq], pair[(eq + 1)..]));
                        break;
                    default:
                        error = $"unknown option '{name}'";
                        return null;
                }
            }
            catch (FormatException ex)
            {
                error = $"{name}: {ex.Message}";
                return null;
            }
        }

        foreach (var scenario in o.Scenarios)
        {
            if (scenario is not ("minilm" or "mlp"))
            {
                error = $"--scenarios: '{scenario}' is not one of minilm, mlp";
                return null;
            }
        }

        if (o.Concurrency.Count == 0 || o.Concurrency.Any(c => c is < 1 or > 1024))
        {
            error = "--concurrency: give levels from 1 to 1024, e.g. 1,2,4,8,16";
            return null;
        }

        if (o.MinRounds < 3 || o.MaxRounds < o.MinRounds || o.Window <= 0 || o.Warmup < 0 || o.Tolerance <= 0 || o.Tokens < 2 || o.MaxBatch < 2 || o.BatchDelayMicroseconds < 0)
        {
            error = "need --min-rounds >= 3, --max-rounds >= --min-rounds, --window > 0, --warmup >= 0, --tolerance > 0, --tokens >= 2, --max-batch >= 2 and --batch-delay-us >= 0";
            return null;
        }

        return o;
    }

    private static List<string> List(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
