using System.Diagnostics;
using System.Globalization;
using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Payloads;

namespace Maas.Benchmarks.Load;

/// <summary>
/// <c>load</c>: starts the server (and, for the MLP, the bare Kestrel floor), builds the targets of
/// P3, P4 and P4b, runs every concurrency level and prints the report. The children are killed on
/// every way out (normal end, exception, Ctrl+C, SIGTERM; a shell watchdog covers SIGKILL).
/// </summary>
internal static class LoadCommand
{
    public const string Unbatched = "Maas, no batching";
    public const string Batched = "Maas, batching";
    public const string FloorGet = "bare Kestrel, empty GET";
    public const string FloorPost = "bare Kestrel, same POST";
    public const string BatchedSuffix = "-batched";

    /// <summary>The hidden child command that runs the bare Kestrel app (see <see cref="KestrelFloor"/>).</summary>
    public const string FloorCommand = "kestrel-floor";

    public static string InProcess(int rows) => $"in-process ORT, batch {rows}";

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == FloorCommand)
        {
            return KestrelFloor.Run(args[1..]);
        }

        var options = LoadOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(string.IsNullOrEmpty(error) ? LoadOptions.Usage : $"load: {error}{Environment.NewLine}{LoadOptions.Usage}");
            return string.IsNullOrEmpty(error) ? 0 : 2;
        }

        var loadAtStart = Report.LoadAverage();
        var root = E2eCommand.FindRepoRoot();
        var maasDll = Path.GetFullPath(options.Maas ?? E2eCommand.DefaultMaasDll(root));
        if (!File.Exists(maasDll))
        {
            Console.Error.WriteLine($"load: {maasDll} does not exist; build it with `dotnet build -c Release src/Maas.Cli` or pass --maas.");
            return 2;
        }

        var pin = options.Pin && CpuAffinity.IsAvailable && Environment.ProcessorCount >= 2;
        if (options.Pin && !pin)
        {
            Console.Error.WriteLine("load: cannot pin (needs Linux, taskset and 2 CPUs); running unpinned.");
        }

        if (pin && !CpuAffinity.PinProcess(Environment.ProcessId, options.ClientCpu))
        {
            Console.Error.WriteLine($"load: taskset could not pin this process to CPU {options.ClientCpu}.");
            return 2;
        }

        using var engineCpu = pin ? new PinnedWorker(options.ServerCpu, pin) : null;
        var models = new List<RepositoryModel>();
        foreach (var scenario in options.Scenarios)
        {
            models.Add(new RepositoryModel(scenario, scenario, LoadOptions.UnbatchedConfig));
            models.Add(new RepositoryModel(scenario + BatchedSuffix, scenario, options.BatchedConfig));
        }

        using var repository = TempRepository.Create(options.Models ?? Path.Combine(root, ".models/repository"), models);
        int? serverCpu = pin ? options.ServerCpu : null;
        using var server = ServerProcess.Start(maasDll, repository.Root, serverCpu, options.Verbose, options.ServerEnvironment);
        var benchDll = typeof(LoadCommand).Assembly.Location;
        using var floor = options.Scenarios.Contains("mlp")
            ? ServerProcess.Start("bare Kestrel", port => ["dotnet", benchDll, "load", FloorCommand, "--port", port.ToString(CultureInfo.InvariantCulture)], serverCpu, options.Verbose, [])
            : null;
        using var guard = new ShutdownGuard(() =>
        {
            server.Dispose();
            floor?.Dispose();
            repository.Dispose();
        });
        var targets = new List<ILoadTarget>();
        try
        {
            using var client = BenchmarkHttp.CreateClient();
            Console.WriteLine($"maas: {maasDll}");
            Console.WriteLine($"repository: {repository.Root} (batching off: {LoadOptions.UnbatchedConfig}; on: {options.BatchedConfig})");
            Console.WriteLine(pin
                ? $"pinned: server, bare Kestrel and in-process ceiling CPU {options.ServerCpu}; client CPU {options.ClientCpu} (this process may run on {CpuAffinity.AllowedCpus()})"
                : "unpinned");
            server.WaitReady(client, TimeSpan.FromMinutes(3));
            floor?.WaitReady(client, TimeSpan.FromMinutes(1), KestrelFloor.Path.TrimStart('/'));
            Console.WriteLine($"server ready at {server.BaseAddress}{(floor is null ? "" : $", bare Kestrel at {floor.BaseAddress}")}");

            var points = new List<LoadPoint>();
            var scenarioTargets = new Dictionary<string, List<ILoadTarget>>();
            foreach (var scenario in options.Scenarios)
            {
                var list = Build(scenario, options, repository, client, server, floor, serverCpu, engineCpu);
                targets.AddRange(list);
                scenarioTargets[scenario] = list;
            }

            double? jitSettled = null;
            if (options.JitSettleMax > 0)
            {
                Console.WriteLine("== warm-up: every target in turn (concurrency 1 and the highest level) until the JIT has settled");
                jitSettled = SettleJit(targets, [server, floor], options, () => guard.Cancelled);
            }

            foreach (var scenario in options.Scenarios)
            {
                foreach (var concurrency in options.Concurrency)
                {
                    if (guard.Cancelled)
                    {
                        break;
                    }

                    var point = new LoadPoint(scenario, concurrency, scenarioTargets[scenario]);
                    point.Run(options, () => guard.Cancelled);
                    points.Add(point);
                }
            }

            var report = LoadReport.Write(points.Where(p => p.Rounds > 0).ToList(), options, pin, jitSettled, loadAtStart, args);
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.Out is not null)
            {
                File.WriteAllText(options.Out, report);
                Console.WriteLine($"(written to {options.Out})");
            }

            return guard.Cancelled ? 130 : 0;
        }
        catch (Exception) when (guard.Terminating)
        {
            // The server was killed under the measurement loop on purpose: no stack trace.
            return 143;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>A scenario's targets in the order each round runs them; checks the server's answers against the engine first.</summary>
    private static List<ILoadTarget> Build(string scenario, LoadOptions options, TempRepository repository, HttpClient client, ServerProcess server, ServerProcess? floor, int? serverCpu, PinnedWorker? engineCpu)
    {
        var payload = scenario == "minilm" ? Payloads.Payloads.MiniLm(options.Tokens) : Payloads.Payloads.Mlp();
        var modelPath = repository.ModelPath(scenario);
        var single = new InProcessLoadTarget(modelPath, payload, 1, options.BaselineSessions, engineCpu);
        var batch = new InProcessLoadTarget(modelPath, payload, options.MaxBatch, options.BaselineSessions, engineCpu);
        var unbatched = HttpLoadTarget.Infer(Unbatched, client, server, serverCpu, scenario, payload, options.RawClient);
        var batched = HttpLoadTarget.Infer(Batched, client, server, serverCpu, scenario + BatchedSuffix, payload, options.RawClient);
        var expected = single.Outputs();
        foreach (var model in new[] { scenario, scenario + BatchedSuffix })
        {
            var body = KServeBodies.Binary(payload, out var jsonLength);
            using var check = new HttpTarget(model, client, new Uri(server.BaseAddress, $"v2/models/{model}/infer"), body, "application/octet-stream", jsonLength);
            Console.WriteLine($"{model}: {E2eCommand.Describe(payload)}, binary request {body.Length} bytes; outputs match in-process (max |diff| {OutputCheck.Verify(check, expected)})");
        }

        var targets = new List<ILoadTarget> { single, unbatched, batch, batched };
        if (floor is not null && scenario == "mlp")
        {
            var empty = new Uri(floor.BaseAddress, KestrelFloor.Path.TrimStart('/'));
            var body = KServeBodies.Binary(payload, out var jsonLength);
            targets.Add(new HttpLoadTarget(FloorGet, client, empty, null, "", null, () => floor.ServerPid, serverCpu, null, options.RawClient));
            targets.Add(new HttpLoadTarget(FloorPost, client, empty, body, "application/octet-stream", jsonLength, () => floor.ServerPid, serverCpu, null, options.RawClient));
        }

        return targets;
    }

    /// <summary>
    /// Loads every target in turn, at concurrency 1 and at the highest level, until no process's JIT
    /// is still tiering methods up: three cycles in a row in which the tiering threads of the
    /// servers and of this process together used at most 2% of a core. Returns the seconds it took,
    /// or null when it hit --jit-settle-max first.
    /// </summary>
    internal static double? SettleJit(IReadOnlyList<ILoadTarget> targets, IReadOnlyList<ServerProcess?> servers, LoadOptions options, Func<bool> cancelled)
    {
        const double QuietShare = 0.02;
        const int QuietCycles = 3;
        var pids = servers.Where(s => s is not null).Select(s => s!.ServerPid).Where(p => p is not null).Select(p => p!.Value).Append(Environment.ProcessId).ToArray();
        var levels = new[] { 1, options.Concurrency.Max() }.Distinct().ToArray();
        double Busy() => pids.Sum(JitActivity.CpuSeconds);
        var start = Stopwatch.GetTimestamp();
        var last = Busy();
        var quiet = 0;
        while (!cancelled())
        {
            var cycle = Stopwatch.GetTimestamp();
            foreach (var target in targets)
            {
                foreach (var level in target.UsesConcurrency ? levels : [1])
                {
                    target.Measure(level, 0, 0.25);
                }
            }

            var busy = Busy();
            var share = (busy - last) / Stopwatch.GetElapsedTime(cycle).TotalSeconds;
            last = busy;
            quiet = share <= QuietShare ? quiet + 1 : 0;
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {elapsed:0} s: JIT tiering used {share:P1} of a core in the last cycle"));
            if (quiet >= QuietCycles)
            {
                return elapsed;
            }

            if (elapsed >= options.JitSettleMax)
            {
                Console.WriteLine($"   JIT still busy after {elapsed:0} s (--jit-settle-max); measuring anyway");
                return null;
            }
        }

        return null;
    }
}
