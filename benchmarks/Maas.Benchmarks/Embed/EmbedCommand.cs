using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Benchmarks.EndToEnd;
using Maas.Benchmarks.Load;

namespace Maas.Benchmarks.Embed;

/// <summary>
/// <c>embed</c>: the minilm-embed pipeline served by a real <c>maas serve</c> (KServe REST and
/// /v1/embeddings) against its processors and ONNX Runtime in-process, at concurrency 16 (target:
/// Maas ÷ in-process batch-16 ≥ 0.85). Reuses <c>load</c>'s pieces: the temp repository, the
/// pinned server process, the closed-loop HTTP clients, the JIT settling and the window-by-window
/// alternation of <see cref="LoadPoint"/>.
/// </summary>
internal static class EmbedCommand
{
    public const string Pipeline = "minilm-embed";
    public const string Model = "minilm";
    public const string KServe = "Maas KServe REST (JSON)";
    public const string OpenAI = "Maas /v1/embeddings";

    public static int Run(string[] args)
    {
        var options = EmbedOptions.Parse(args, out var error);
        if (options is null)
        {
            Console.Error.WriteLine(string.IsNullOrEmpty(error) ? EmbedOptions.Usage : $"embed: {error}{Environment.NewLine}{EmbedOptions.Usage}");
            return string.IsNullOrEmpty(error) ? 0 : 2;
        }

        var load = options.Load;
        var loadAtStart = Report.LoadAverage();
        var root = E2eCommand.FindRepoRoot();
        var maasDll = Path.GetFullPath(load.Maas ?? E2eCommand.DefaultMaasDll(root));
        if (!File.Exists(maasDll))
        {
            Console.Error.WriteLine($"embed: {maasDll} does not exist; build it with `dotnet build -c Release src/Maas.Cli` or pass --maas.");
            return 2;
        }

        var source = load.Models ?? Path.Combine(root, ".models/repository");
        var pipelineSource = Path.Combine(source, Pipeline);
        if (!File.Exists(Path.Combine(pipelineSource, "config.json")) || !File.Exists(Path.Combine(pipelineSource, "1", "vocab.txt")))
        {
            Console.Error.WriteLine($"embed: {pipelineSource} (config.json and 1/vocab.txt) is missing; run scripts/fetch-models.sh (or pass --models <repository>).");
            return 2;
        }

        var pin = load.Pin && CpuAffinity.IsAvailable && Environment.ProcessorCount >= 2;
        if (load.Pin && !pin)
        {
            Console.Error.WriteLine("embed: cannot pin (needs Linux, taskset and 2 CPUs); running unpinned.");
        }

        if (pin && !CpuAffinity.PinProcess(Environment.ProcessId, load.ClientCpu))
        {
            Console.Error.WriteLine($"embed: taskset could not pin this process to CPU {load.ClientCpu}.");
            return 2;
        }

        using var engineCpu = pin ? new PinnedWorker(load.ServerCpu, pin) : null;
        using var repository = TempRepository.Create(source, [new RepositoryModel(Model, Model, load.BatchedConfig)]);
        AddPipeline(repository, pipelineSource);
        int? serverCpu = pin ? load.ServerCpu : null;
        using var server = ServerProcess.Start(maasDll, repository.Root, serverCpu, load.Verbose, load.ServerEnvironment);
        using var guard = new ShutdownGuard(() =>
        {
            server.Dispose();
            repository.Dispose();
        });
        var targets = new List<ILoadTarget>();
        try
        {
            using var client = BenchmarkHttp.CreateClient();
            Console.WriteLine($"maas: {maasDll}");
            Console.WriteLine($"repository: {repository.Root} ({Model}: {load.BatchedConfig}; {Pipeline}: {pipelineSource}/config.json)");
            Console.WriteLine(pin
                ? $"pinned: server and in-process side CPU {load.ServerCpu}; client CPU {load.ClientCpu} (this process may run on {CpuAffinity.AllowedCpus()})"
                : "unpinned");
            server.WaitReady(client, TimeSpan.FromMinutes(3));
            Console.WriteLine($"server ready at {server.BaseAddress}");

            var sentences = options.Sentences;
            var pipelineFolder = Path.Combine(repository.Root, Pipeline);
            var modelPath = repository.ModelPath(Model);
            var single = new InProcessEmbedder(modelPath, pipelineFolder, sentences, 1);
            var batch = new InProcessEmbedder(modelPath, pipelineFolder, sentences, load.MaxBatch);
            var tokens = single.TokenCounts(sentences);
            for (var i = 0; i < sentences.Count; i++)
            {
                Console.WriteLine($"sentence {i}: {tokens[i]} tokens: \"{sentences[i]}\"");
            }

            if (!options.Mixed && tokens.Distinct().Count() != 1)
            {
                throw new InvalidOperationException($"--sentences same needs sentences of one token count, but they have {string.Join(", ", tokens)}.");
            }

            Check(client, server, single, batch, sentences);
            var kserve = HttpLoadTarget.PerLoop(
                KServe, client, new Uri(server.BaseAddress, $"v2/models/{Pipeline}/infer"), [.. sentences.Select(KServeBody)], "application/json",
                () => server.ServerPid, serverCpu, () => BatchStats.Read(client, server.BaseAddress, Model), load.RawClient);
            var openai = HttpLoadTarget.PerLoop(
                OpenAI, client, new Uri(server.BaseAddress, "v1/embeddings"), [.. sentences.Select(OpenAIBody)], "application/json",
                () => server.ServerPid, serverCpu, () => BatchStats.Read(client, server.BaseAddress, Model), load.RawClient);
            targets.AddRange([new InProcessEmbedTarget(single, engineCpu), kserve, new InProcessEmbedTarget(batch, engineCpu), openai]);

            double? jitSettled = null;
            if (load.JitSettleMax > 0)
            {
                Console.WriteLine("== warm-up: every target in turn until the JIT has settled");
                jitSettled = LoadCommand.SettleJit(targets, [server], load, () => guard.Cancelled);
            }

            var points = new List<LoadPoint>();
            foreach (var concurrency in load.Concurrency)
            {
                if (guard.Cancelled)
                {
                    break;
                }

                var point = new LoadPoint(Pipeline, concurrency, targets);
                point.Run(load, () => guard.Cancelled);
                points.Add(point);
            }

            var report = EmbedReport.Write([.. points.Where(p => p.Rounds > 0)], options, tokens, pin, jitSettled, loadAtStart, BatchStats.Read(client, server.BaseAddress, Model), args);
            Console.WriteLine();
            Console.WriteLine(report);
            if (load.Out is not null)
            {
                File.WriteAllText(load.Out, report);
                Console.WriteLine($"(written to {load.Out})");
            }

            return guard.Cancelled ? 130 : 0;
        }
        catch (Exception) when (guard.Terminating)
        {
            // The server was killed under the measurement loop on purpose: no stack trace.
            return 143;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Net.Sockets.SocketException or AggregateException)
        {
            // A refused connection or an error answer: what the server said last tells why.
            Console.Error.WriteLine($"embed: {ex.Message}{Environment.NewLine}the server's last output:{Environment.NewLine}{server.OutputTail}");
            throw;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }
        }
    }

    /// <summary>The pipeline beside the temp repository's minilm: the source's config.json, and its vocabulary linked.</summary>
    private static void AddPipeline(TempRepository repository, string pipelineSource)
    {
        var version = Directory.CreateDirectory(Path.Combine(repository.Root, Pipeline, "1")).FullName;
        File.Copy(Path.Combine(pipelineSource, "config.json"), Path.Combine(repository.Root, Pipeline, "config.json"));
        File.CreateSymbolicLink(Path.Combine(version, "vocab.txt"), Path.GetFullPath(Path.Combine(pipelineSource, "1", "vocab.txt")));
    }

    private static byte[] KServeBody(string sentence) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = "text",
            ["datatype"] = "BYTES",
            ["shape"] = new JsonArray(1),
            ["data"] = new JsonArray(sentence),
        }),
    }.ToJsonString());

    private static byte[] OpenAIBody(string sentence) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["model"] = Pipeline,
        ["input"] = sentence,
        ["encoding_format"] = "base64",
    }.ToJsonString());

    /// <summary>
    /// Before measuring: the in-process side gives the published reference embedding, its batch
    /// gives what its single calls give, and both server routes give what the in-process side gives.
    /// </summary>
    private static void Check(HttpClient client, ServerProcess server, InProcessEmbedder single, InProcessEmbedder batch, IReadOnlyList<string> sentences)
    {
        var reference = single.Embeddings([Sentences.Reference])[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-process reference sentence: {reference[0]:0.000000}, {reference[1]:0.000000}, {reference[2]:0.000000} (published 0.067657, 0.063496, 0.048713)"));
        if (Math.Abs(reference[0] - 0.067657) > 1e-4 || Math.Abs(reference[1] - 0.063496) > 1e-4 || Math.Abs(reference[2] - 0.048713) > 1e-4)
        {
            throw new InvalidOperationException("The in-process embedder does not give the published embedding of the reference sentence.");
        }

        var expected = sentences.Select(s => single.Embeddings([s])[0]).ToArray();
        var batched = batch.Embeddings(sentences);
        var batchDiff = 0f;
        var kserveDiff = 0f;
        var openaiDiff = 0f;
        for (var i = 0; i < sentences.Count; i++)
        {
            batchDiff = Math.Max(batchDiff, MaxDiff(batched[i], expected[i]));
            using var kserve = client.Send(Post(new Uri(server.BaseAddress, $"v2/models/{Pipeline}/infer"), KServeBody(sentences[i])));
            var kserveJson = JsonNode.Parse(Read(kserve))!;
            var embedding = kserveJson["outputs"]!.AsArray().First(o => o!["name"]!.GetValue<string>() == "embedding")!;
            kserveDiff = Math.Max(kserveDiff, MaxDiff([.. embedding["data"]!.AsArray().Select(v => v!.GetValue<float>())], expected[i]));
            using var openai = client.Send(Post(new Uri(server.BaseAddress, "v1/embeddings"), OpenAIBody(sentences[i])));
            var base64 = JsonNode.Parse(Read(openai))!["data"]![0]!["embedding"]!.GetValue<string>();
            openaiDiff = Math.Max(openaiDiff, MaxDiff(MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray(), expected[i]));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max |diff| to in-process batch 1: in-process batch {batch.Rows} {batchDiff:0.0e0}, KServe {kserveDiff:0.0e0}, /v1/embeddings {openaiDiff:0.0e0}"));
        if (Math.Max(batchDiff, Math.Max(kserveDiff, openaiDiff)) > 1e-4)
        {
            throw new InvalidOperationException("The server's embeddings (or the in-process batch's) differ from the in-process ones by more than 1e-4.");
        }
    }

    private static HttpRequestMessage Post(Uri uri, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return request;
    }

    private static string Read(HttpResponseMessage response)
    {
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        return response.IsSuccessStatusCode ? text : throw new HttpRequestException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {text}");
    }

    private static float MaxDiff(float[] actual, float[] expected)
    {
        if (actual.Length != expected.Length)
        {
            return float.PositiveInfinity;
        }

        var max = 0f;
        for (var i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }

        return max;
    }
}
