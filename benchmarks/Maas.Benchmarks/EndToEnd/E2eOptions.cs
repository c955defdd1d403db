using System.Globalization;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>Command-line options of <c>e2e</c>; every one has a default that reproduces docs/benchmarks.md.</summary>
internal sealed class E2eOptions
{
    public const string Usage = """
        e2e — P1 and P2 of BENCHMARKING.md, measured side by side in one run.

        Starts `dotnet <maas.dll> serve` on a temp repository (1 intra-op, 1 inter-op engine thread),
        pinned to --server-cpu; pins this process (the client) to --client-cpu; runs the in-process
        ONNX Runtime baseline on the server's CPU. Targets alternate A B C, A B C, ... one window
        each, until three consecutive windows of every target agree within --tolerance (p50), or
        --max-rounds.

          --scenarios p1,p2        which targets to measure (default p1,p2)
          --p1-models LIST         models for P1 (default small-cnn,minilm)
          --models DIR             source model repository (default <repo>/.models/repository)
          --maas PATH              built maas.dll (default: src/Maas.Cli/bin/<same configuration>/.../maas.dll)
          --window SECONDS         minimum window length (default 2)
          --min-samples N          minimum requests per window (default 100)
          --max-window SECONDS     a window stops here even below --min-samples (default 30)
          --jit-settle-max SECONDS first, all targets run in turn until the JIT of both processes is
                                   quiet (3 s in a row under 20 ms of tiering CPU), at most this
                                   long (default 180; 0 skips it)
          --warmup SECONDS         then a warm-up per target before its scenario's first window (default 2)
          --min-rounds N           (default 3)   --max-rounds N (default 10)
          --tolerance FRACTION     window agreement (default 0.10)
          --alternate MODE         windows: one window per target per round; requests: targets take
                                   turns request by request within a round; auto (default): windows
                                   for P1 (a tiny model must not inherit the server's cold caches),
                                   requests for P2 (cancels machine drift between 50 ms runs)
          --baseline-sessions N    identical in-process sessions the baseline takes turns over (default 3)
          --server-cpu N           (default 0)   --client-cpu N (default 1)
          --baseline-cpu N         CPU for the in-process baseline (default: --server-cpu)
          --no-pin                 do not pin anything (state it when you publish figures)
          --out FILE               also write the report (Markdown) to FILE
          --server-env NAME=VALUE  set an environment variable for the server (repeatable), e.g.
                                   DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 to try a runtime knob
          --verbose                echo the server's output
        """;

    public List<string> Scenarios { get; private set; } = ["p1", "p2"];

    public List<string> P1Models { get; private set; } = ["small-cnn", "minilm"];

    public string? Models { get; private set; }

    public string? Maas { get; private set; }

    public double Window { get; private set; } = 2;

    public int MinSamples { get; private set; } = 100;

    public double MaxWindow { get; private set; } = 30;

    public double Warmup { get; private set; } = 2;

    public double JitSettleMax { get; private set; } = 180;

    public int MinRounds { get; private set; } = 3;

    public int MaxRounds { get; private set; } = 10;

    public double Tolerance { get; private set; } = 0.10;

    /// <summary>Null: auto (windows for P1, requests for P2).</summary>
    public Alternation? Alternate { get; private set; }

    public int BaselineSessions { get; private set; } = 3;

    public int ServerCpu { get; private set; }

    public int ClientCpu { get; private set; } = 1;

    public int? BaselineCpu { get; private set; }

    public bool Pin { get; private set; } = true;

    public string? Out { get; private set; }

    public bool Verbose { get; private set; }

    public List<KeyValuePair<string, string>> ServerEnvironment { get; } = [];

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> set (empty for --help) when it cannot.</summary>
    public static E2eOptions? Parse(string[] args, out string? error)
    {
        var o = new E2eOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{name} needs a value.");
            try
            {
                switch (name)
                {
                    case "-h" or "--help":
                        error = "";
                        return null;
                    case "--scenarios": o.Scenarios = List(Value()); break;
                    case "--p1-models": o.P1Models = List(Value()); break;
                    case "--models": o.Models = Value(); break;
                    case "--maas": o.Maas = Value(); break;
                    case "--window": o.Window = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--min-samples": o.MinSamples = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-window": o.MaxWindow = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--jit-settle-max": o.JitSettleMax = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--warmup": o.Warmup = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--min-rounds": o.MinRounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--max-rounds": o.MaxRounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--tolerance": o.Tolerance = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--alternate":
                        o.Alternate = Value() switch
                        {
                            "auto" => null,
                            "windows" => Alternation.Windows,
                            "requests" => Alternation.Requests,
                            var other => throw new FormatException($"'{other}' is not auto, windows or requests."),
                        };
                        break;
                    case "--baseline-sessions": o.BaselineSessions = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--server-cpu": o.ServerCpu = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--client-cpu": o.ClientCpu = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--baseline-cpu": o.BaselineCpu = int.Parse(Value(), CultureInfo.InvariantCulture); break;
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
            if (scenario is not ("p1" or "p2"))
            {
                error = $"--scenarios: '{scenario}' is not one of p1, p2";
                return null;
            }
        }

        if (o.MinRounds < 3 || o.MaxRounds < o.MinRounds || o.Window <= 0 || o.Tolerance <= 0)
        {
            error = "need --min-rounds >= 3, --max-rounds >= --min-rounds, --window > 0 and --tolerance > 0";
            return null;
        }

        return o;
    }

    /// <summary>The alternation a scenario uses.</summary>
    public Alternation AlternateFor(string scenarioId) => Alternate ?? (scenarioId == "P2" ? Alternation.Requests : Alternation.Windows);

    private static List<string> List(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
