using Maas.Backends.Onnx;
using Maas.Core.Lifecycle;
using Microsoft.Extensions.Logging.Abstractions;
using Maas.Tensors;
using Maas.Benchmarks.Payloads;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: starts the server, builds the scenarios of P1 and P2, measures them and prints the
/// report. The server child is killed on every way out (normal end, exception, Ctrl+C, SIGTERM; a
/// shell watchdog covers SIGKILL).
/// </summary>
internal static class E2eCommand
{
    public const string Baseline = "in-process ORT";
    public const string Binary = "maas binary";
    public const string Json = "maas json";
    public const string Floor = "http floor";
    public const string Core = "maas in-proc";
    public const string Grpc = "maas grpc";
    public const string GrpcFloor = "grpc floor";
    public const string Cached = "maas cache hit";

    public static int Run(string[] args)
    {
        var options = E2eOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(string.IsNullOrEmpty(error) ? E2eOptions.Usage : $"e2e: {error}{Environment.NewLine}{E2eOptions.Usage}");
            return string.IsNullOrEmpty(error) ? 0 : 2;
        }

        var loadAtStart = Report.LoadAverage();
        var root = FindRepoRoot();
        var maasDll = Path.GetFullPath(options.Maas ?? DefaultMaasDll(root));
        if (!File.Exists(maasDll))
        {
            Console.Error.WriteLine($"e2e: {maasDll} does not exist; build it with `dotnet build -c Release src/Maas.Cli` or pass --maas.");
            return 2;
        }

        var pin = options.Pin && CpuAffinity.IsAvailable && Environment.ProcessorCount >= 2;
        if (options.Pin && !pin)
        {
            Console.Error.WriteLine("e2e: cannot pin (needs Linux, taskset and 2 CPUs); running unpinned.");
        }

        if (pin && !CpuAffinity.PinProcess(Environment.ProcessId, options.ClientCpu))
        {
            Console.Error.WriteLine($"e2e: taskset could not pin this process to CPU {options.ClientCpu}.");
            return 2;
        }

        var baselineCpu = pin ? options.BaselineCpu ?? options.ServerCpu : (int?)null;
        using var engineCpu = baselineCpu is { } cpu ? new PinnedWorker(cpu, pin) : null;
        var models = new List<string>();
        if (options.Scenarios.Contains("p1"))
        {
            models.AddRange(options.P1Models);
        }

        if (options.Scenarios.Contains("p2"))
        {
            models.Add("resnet18");
        }

        // small-cnn is also served a second time with the response cache on, for the cache-hit figure.
        var entries = models.Distinct().Select(m => new RepositoryModel(m, m, TempRepository.EngineConfig)).ToList();
        if (models.Contains("small-cnn") && options.Scenarios.Contains("p1"))
        {
            entries.Add(new RepositoryModel(TempRepository.CachedName("small-cnn"), "small-cnn", TempRepository.CachedConfig));
        }

        using var repository = TempRepository.Create(options.Models ?? Path.Combine(root, ".models/repository"), entries);
        using var server = ServerProcess.Start(maasDll, repository.Root, pin ? options.ServerCpu : null, options.Verbose, options.ServerEnvironment, grpc: options.Scenarios.Contains("p1"));
        using var guard = new ShutdownGuard(() =>
        {
            server.Dispose();
            repository.Dispose();
        });
        try
        {
            using var client = BenchmarkHttp.CreateClient(maxConnectionsPerServer: 1);
            Console.WriteLine($"maas: {maasDll}");
            Console.WriteLine($"repository: {repository.Root} (engine: intra_op_threads 1, inter_op_threads 1)");
            Console.WriteLine(pin
                ? $"pinned: server CPU {options.ServerCpu}, client CPU {options.ClientCpu} (this process may run on {CpuAffinity.AllowedCpus()}), in-process baseline CPU {baselineCpu}"
                : "unpinned");
            foreach (var (name, value) in options.ServerEnvironment)
            {
                Console.WriteLine($"server environment: {name}={value}");
            }

            server.WaitReady(client, TimeSpan.FromMinutes(3));
            Console.WriteLine($"server ready at {server.BaseAddress}");

            // Maas's core without HTTP, on the same temp repository (its own sessions, same options).
            using var core = new ModelManager(repository.Root, [new OnnxBackend()], NullLogger<ModelManager>.Instance);
            core.LoadAllAsync(CancellationToken.None).GetAwaiter().GetResult();

            var scenarios = new List<Scenario>();
            double? jitSettled = null;
            var disposables = new List<IDisposable>();
            try
            {
                if (options.Scenarios.Contains("p1"))
                {
                    foreach (var model in options.P1Models)
                    {
                        var payload = model switch
                        {
                            "small-cnn" => Payloads.Payloads.SmallCnn(),
                            "minilm" => Payloads.Payloads.MiniLm(),
                            _ => throw new ArgumentException($"--p1-models: no payload for '{model}' (known: small-cnn, minilm)."),
                        };
                        scenarios.Add(Build("P1", $"{model}, {Describe(payload)}, concurrency 1, HTTP binary and gRPC vs in-process", payload, options, repository, core, client, server, floor: model == "small-cnn", json: false, grpc: true, disposables));
                    }
                }

                if (options.Scenarios.Contains("p2"))
                {
                    var payload = Payloads.Payloads.ResNet18();
                    scenarios.Add(Build("P2", $"resnet18, {Describe(payload)}, concurrency 1, HTTP binary and JSON vs in-process", payload, options, repository, core, client, server, floor: false, json: true, grpc: false, disposables));
                }

                if (options.JitSettleMax > 0)
                {
                    Console.WriteLine("== warm-up: every target in turn until the JIT has settled");
                    jitSettled = Warmup.UntilJitSettles([.. scenarios.SelectMany(s => s.Series.Select(x => x.Target))], engineCpu, server.ServerPid, options.JitSettleMax, () => guard.Cancelled);
                }

                foreach (var scenario in scenarios)
                {
                    if (!guard.Cancelled)
                    {
                        scenario.Run(options, engineCpu, () => guard.Cancelled);
                    }
                }
            }
            finally
            {
                foreach (var disposable in disposables)
                {
                    disposable.Dispose();
                }
            }

            var report = Report.Write(scenarios.Where(s => s.Rounds > 0).ToList(), options, pin, baselineCpu, jitSettled, loadAtStart, args);
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
    }

    private static Scenario Build(string id, string title, ModelPayload payload, E2eOptions options, TempRepository repository, ModelManager core, HttpClient client, ServerProcess server, bool floor, bool json, bool grpc, List<IDisposable> disposables)
    {
        var baseline = new InProcessTarget(repository.ModelPath(payload.Model), payload, options.BaselineSessions);
        disposables.Add(baseline);
        var infer = new Uri(server.BaseAddress, $"v2/models/{payload.Model}/infer");
        var targets = new List<ITarget> { baseline, new MaasCoreTarget(core, payload) };
        var expected = baseline.Outputs();

        var binaryBody = KServeBodies.Binary(payload, out var jsonLength);
        var binary = new HttpTarget(Binary, client, infer, binaryBody, "application/octet-stream", jsonLength);
        disposables.Add(binary);
        Console.WriteLine($"{id} {payload.Model}: binary request {binaryBody.Length} bytes, outputs match in-process (max |diff| {OutputCheck.Verify(binary, expected)})");
        targets.Add(binary);

        if (json)
        {
            var jsonBody = KServeBodies.Json(payload);
            var jsonTarget = new HttpTarget(Json, client, infer, jsonBody, "application/json", null);
            disposables.Add(jsonTarget);
            Console.WriteLine($"{id} {payload.Model}: JSON request {jsonBody.Length} bytes, outputs match in-process (max |diff| {OutputCheck.Verify(jsonTarget, expected)})");
            targets.Add(jsonTarget);
        }

        if (grpc && server.GrpcAddress is { } grpcAddress)
        {
            var grpcTarget = new GrpcTarget(Grpc, grpcAddress, payload);
            disposables.Add(grpcTarget);
            Console.WriteLine($"{id} {payload.Model}: gRPC raw contents, outputs match in-process (max |diff| {grpcTarget.Verify(expected)})");
            targets.Add(grpcTarget);
        }

        if (floor)
        {
            // Every request identical: after the first, each is a response-cache hit (no queue, no engine).
            var cached = new HttpTarget(Cached, client, new Uri(server.BaseAddress, $"v2/models/{TempRepository.CachedName(payload.Model)}/infer"), binaryBody, "application/octet-stream", jsonLength);
            disposables.Add(cached);
            Console.WriteLine($"{id} {payload.Model}: cached copy, outputs match in-process (max |diff| {OutputCheck.Verify(cached, expected)})");
            targets.Add(cached);

            // The HTTP stack alone: Kestrel, routing and this client, no body, no model.
            var floorTarget = new HttpTarget(Floor, client, new Uri(server.BaseAddress, "v2/health/live"), null, "", null);
            disposables.Add(floorTarget);
            targets.Add(floorTarget);
            if (grpc && server.GrpcAddress is { } floorAddress)
            {
                // The gRPC stack alone: ServerLive over the same kind of HTTP/2 connection.
                var grpcFloor = new GrpcTarget(GrpcFloor, floorAddress, payload: null);
                disposables.Add(grpcFloor);
                targets.Add(grpcFloor);
            }
        }

        return new Scenario(id, title, payload, targets, () => ServerStats.Read(client, server.BaseAddress, payload.Model));
    }

    internal static string Describe(ModelPayload payload)
    {
        var parts = payload.Inputs.Select(i => $"{i.DataType.WireName()} [{string.Join(',', i.Shape)}]");
        return $"{string.Join(" + ", parts)} ({payload.TensorBytes:N0} B)";
    }

    // The server built with the same configuration as this program: .../bin/<Release>/net10.0/linux-x64/.
    internal static string DefaultMaasDll(string root)
    {
        var output = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var marker = $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
        var at = output.LastIndexOf(marker, StringComparison.Ordinal);
        var flavor = at >= 0 ? output[(at + marker.Length)..] : "Release/net10.0/linux-x64";
        return Path.Combine(root, "src/Maas.Cli/bin", flavor, "maas.dll");
    }

    internal static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maas.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
