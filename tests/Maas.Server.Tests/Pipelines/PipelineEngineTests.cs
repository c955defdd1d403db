using System.Net;
using System.Text.Json.Nodes;
using Maas.Core.Scheduling;
using Maas.Server.Tests.Support;
using Maas.TestModels;
using Microsoft.Extensions.DependencyInjection;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Pipelines;

/// <summary>
/// The pipeline mechanism on small generated models: model steps chained by named tensors,
/// wiring checked at load, recurrent state carried across scanned rows and across the requests of
/// a sequence, and sequences kept apart.
/// </summary>
public sealed class PipelineEngineTests
{
    // y = x + state; stateN = y: the running sum of everything the sequence has sent.
    private static byte[] Accumulator() =>
        new OnnxGraphBuilder("accumulator")
            .AddInput("x", OnnxElementType.Float, "batch", 1)
            .AddInput("state", OnnxElementType.Float, "batch", 1)
            .AddOutput("y", OnnxElementType.Float, "batch", 1)
            .AddOutput("stateN", OnnxElementType.Float, "batch", 1)
            .AddNode("Add", ["x", "state"], ["y"])
            .AddNode("Identity", ["y"], ["stateN"])
            .Build();

    private const string ChainConfig = """
        {"pipeline": {
          "inputs": [{"name": "a", "datatype": "FP32", "dims": [-1, 4]}, {"name": "b", "datatype": "FP32", "dims": [-1, 4]}],
          "outputs": [{"name": "total", "datatype": "FP32", "dims": [-1, 4]}],
          "steps": [
            {"name": "first", "model": "add", "inputs": {"a": "a", "b": "b"}, "outputs": {"sum": "ab"}},
            {"name": "second", "model": "add", "inputs": {"a": "ab", "b": "b"}, "outputs": {"sum": "total"}}
          ]}}
        """;

    private const string RunningSumConfig = """
        {"pipeline": {
          "inputs": [{"name": "x", "datatype": "FP32", "dims": [-1, 1]}],
          "outputs": [{"name": "sums", "datatype": "FP32", "dims": [-1, 1]}],
          "sequence": {"idle_timeout_seconds": 60},
          "steps": [
            {"name": "sum", "model": "accumulator", "scan": "x", "inputs": {"x": "x"}, "outputs": {"y": "sums"},
             "state": [{"input": "state", "output": "stateN", "dims": [1, 1]}]}
          ]}}
        """;

    [Fact]
    public async Task Model_steps_chain_through_named_tensors_and_the_pipeline_has_its_own_signature()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", ChainConfig);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root);

        using var response = await server.Client.PostAsync("/v2/models/twice/infer", Json("""
            {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                        {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [10, 20, 30, 40]}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await ReadJsonAsync(response);
        Assert.Equal("twice", json["model_name"]!.GetValue<string>());
        var output = json["outputs"]![0]!;
        Assert.Equal("total", output["name"]!.GetValue<string>());
        Assert.Equal([21f, 42f, 63f, 84f], output["data"]!.AsArray().Select(v => v!.GetValue<float>()));

        var metadata = await ReadJsonAsync(await server.Client.GetAsync("/v2/models/twice"));
        Assert.Equal("maas_pipeline", metadata["platform"]!.GetValue<string>());
        Assert.Equal(["a", "b"], metadata["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(["total"], metadata["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Concurrent_pipeline_requests_batch_in_the_model_their_step_calls()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", ChainConfig);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        var hooks = new SchedulerHooks { HoldUntilQueued = 8 };
        await using var server = await InMemoryServer.StartAsync(repo.Root, configure: b => b.Services.AddSingleton(hooks));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await server.Client.PostAsync("/v2/models/twice/infer", Json($$"""
                {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [{{i}}, 0, 0, 0]},
                            {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}
                """));
            return Floats(await ReadJsonAsync(response));
        })).WaitAsync(TimeSpan.FromSeconds(60)); // were the 8 not queued together in 'add', they would wait forever

        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(new[] { i + 2f, 2f, 2f, 2f }, answers[i]);
        }

        var stats = (await ReadJsonAsync(await server.Client.GetAsync("/v2/models/add/stats")))["model_stats"]![0]!;
        Assert.Equal(16, stats["inference_count"]!.GetValue<long>());
        Assert.Contains(8L, stats["batch_stats"]!.AsArray().Select(b => b!["batch_size"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_pipeline_runs_at_most_max_queue_size_requests_at_once_and_answers_429_beyond()
    {
        var config = ChainConfig.Replace("{\"pipeline\"", "{\"queue\": {\"max_queue_size\": 1}, \"pipeline\"", StringComparison.Ordinal);
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", config);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        var hooks = new SchedulerHooks { HoldUntilQueued = 100 }; // 'add' holds the first request
        await using var server = await InMemoryServer.StartAsync(repo.Root, configure: b => b.Services.AddSingleton(hooks));
        const string body = """
            {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                        {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}
            """;

        var first = server.Client.PostAsync("/v2/models/twice/infer", Json(body));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!System.Text.RegularExpressions.Regex.IsMatch(await server.Client.GetStringAsync("/metrics"), "maas_inference_in_flight[^{]*\\{[^}]*model=\"twice\"[^}]*\\} 1\\b"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the first request never got inside the pipeline");
            await Task.Delay(20);
        }

        using var refused = await server.Client.PostAsync("/v2/models/twice/infer", Json(body));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Model 'twice' version 1 is running 1 requests, its limit (queue.max_queue_size)", await ReadErrorAsync(refused), StringComparison.Ordinal);
        hooks.HoldUntilQueued = 0;
        using (var answered = await first.WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        using var next = await server.Client.PostAsync("/v2/models/twice/infer", Json(body));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_step_that_reads_a_missing_tensor_fails_the_load_with_the_step_port_and_tensor()
    {
        var broken = ChainConfig.Replace("\"a\": \"ab\"", "\"a\": \"abc\"", StringComparison.Ordinal);
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", broken);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root);

        using var response = await server.Client.PostAsync("/v2/models/twice/infer", Json("""{"inputs": []}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Contains("step 'second' (model 'add') input 'a' reads tensor 'abc', which is not a pipeline input, a constant or an output of an earlier step", error, StringComparison.Ordinal);
        Assert.Contains("tensors so far: a, b, ab", error, StringComparison.Ordinal);
        // The models it calls are unaffected.
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/models/add/ready")).StatusCode);
    }

    [Fact]
    public async Task Recurrent_state_flows_across_rows_and_requests_and_stays_within_its_sequence()
    {
        await using var server = await StartRunningSumAsync();

        Assert.Equal(new[] { 1f, 3f, 6f }, await SendAsync(server, 7, [1, 2, 3], start: true));
        Assert.Equal(new[] { 100f }, await SendAsync(server, "other", [100], start: true));
        Assert.Equal(new[] { 10f }, await SendAsync(server, 7, [4]));
        Assert.Equal(new[] { 105f }, await SendAsync(server, "other", [5], end: true));
        Assert.Equal(new[] { 11f }, await SendAsync(server, 7, [1], end: true));

        // Ended: the id is unknown until a new start, which begins from zero state.
        using var late = await PostAsync(server, 7, [1], start: false, end: false);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("Sequence 7 of model 'running-sum' is not active: send its first request with sequence_start=true", await ReadErrorAsync(late), StringComparison.Ordinal);
        Assert.Equal(new[] { 2f }, await SendAsync(server, 7, [2], start: true, end: true));
    }

    [Fact]
    public async Task A_request_without_a_sequence_runs_alone_from_zero_state()
    {
        await using var server = await StartRunningSumAsync();

        using var response = await server.Client.PostAsync("/v2/models/running-sum/infer", Json("""{"inputs": [{"name": "x", "shape": [2, 1], "datatype": "FP32", "data": [5, 6]}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { 5f, 11f }, Floats(await ReadJsonAsync(response)));
    }

    [Fact]
    public async Task Interleaved_concurrent_sequences_never_see_each_others_state()
    {
        await using var server = await StartRunningSumAsync();
        const int sequences = 8, chunks = 10;
        var tasks = Enumerable.Range(1, sequences).Select(async id =>
        {
            var last = 0f;
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                var answer = await SendAsync(server, id, [id], start: chunk == 0, end: chunk == chunks - 1);
                last = answer.Single();
            }

            return (id, last);
        });

        foreach (var (id, last) in await Task.WhenAll(tasks))
        {
            Assert.Equal(id * chunks, last);
        }
    }

    [Fact]
    public async Task Sequence_parameters_on_a_stateless_pipeline_are_refused()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", ChainConfig);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root);

        using var response = await server.Client.PostAsync("/v2/models/twice/infer", Json("""
            {"parameters": {"sequence_id": 3, "sequence_start": true},
             "inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                        {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}
            """));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a sequence model", await ReadErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_step_model_is_unloaded_the_pipeline_answers_503_naming_the_step()
    {
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add()).AddFile("twice/config.json", ChainConfig);
        Directory.CreateDirectory(repo.PathOf("twice", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root, o => o with { ModelControlMode = ModelControlMode.Explicit, LoadModels = ["twice", "add"] });
        const string body = """
            {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                        {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}
            """;
        using (var before = await server.Client.PostAsync("/v2/models/twice/infer", Json(body)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var unload = await server.Client.PostAsync("/v2/repository/models/add/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        using var after = await server.Client.PostAsync("/v2/models/twice/infer", Json(body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        Assert.Contains("pipeline 'twice' step 'first' (model 'add')", await ReadErrorAsync(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipeline_requests_and_live_sequences_are_in_the_metrics()
    {
        await using var server = await StartRunningSumAsync();
        Assert.Equal(new[] { 3f }, await SendAsync(server, "metrics-seq", [3], start: true));

        var metrics = await server.Client.GetStringAsync("/metrics");

        Assert.Matches("maas_inference_requests_total\\{[^}]*model=\"running-sum\"[^}]*outcome=\"success\"", metrics);
        Assert.Matches("maas_sequences_live\\{[^}]*model=\"running-sum\"[^}]*\\} 1\\b", metrics);
    }

    [Fact]
    public async Task Pipelines_that_call_each_other_answer_503_naming_the_cycle_and_the_server_keeps_serving()
    {
        // Each is valid alone: 'outer' calls 'inner', then 'inner' is reloaded to call 'outer'.
        static string Calling(string model) => $$$"""
            {"pipeline": {
              "inputs": [{"name": "a", "datatype": "FP32", "dims": [-1, 4]}, {"name": "b", "datatype": "FP32", "dims": [-1, 4]}],
              "outputs": [{"name": "total", "datatype": "FP32", "dims": [-1, 4]}],
              "steps": [{"name": "call", "model": "{{{model}}}", "inputs": {"a": "a", "b": "b"}, "outputs": {"{{{(model == "add" ? "sum" : "total")}}}": "total"}}]}}
            """;
        using var repo = new TestRepository().AddModel("add", 1, TestModelFactory.Add())
            .AddFile("inner/config.json", Calling("add")).AddFile("outer/config.json", Calling("inner"));
        Directory.CreateDirectory(repo.PathOf("inner", "1"));
        Directory.CreateDirectory(repo.PathOf("outer", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root, o => o with { ModelControlMode = ModelControlMode.Explicit, LoadModels = ["add", "inner", "outer"] });
        const string body = """
            {"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]},
                        {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}
            """;
        using (var before = await server.Client.PostAsync("/v2/models/outer/infer", Json(body)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var reload = new JsonObject { ["parameters"] = new JsonObject { ["config"] = Calling("outer") } };
        using (var load = await server.Client.PostAsync("/v2/repository/models/inner/load", Json(reload)))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        using var cycle = await server.Client.PostAsync("/v2/models/outer/infer", Json(body));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, cycle.StatusCode);
        Assert.Contains("pipeline 'outer' calls itself through other pipelines (outer → inner → outer)", await ReadErrorAsync(cycle), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/models/add/ready")).StatusCode);
    }

    [Fact]
    public async Task Strings_of_different_lengths_split_into_chunks_and_rows_at_element_boundaries()
    {
        // 'echo' batches at most 2 strings: 5 go as 3 chunks; 'rows' runs them one at a time.
        static string Config(string extra) => $$$"""
            {"pipeline": {
              "inputs": [{"name": "text", "datatype": "BYTES", "dims": [-1]}],
              "outputs": [{"name": "same", "datatype": "BYTES", "dims": [-1]}],
              "steps": [{"name": "echo", "model": "echo", {{{extra}}} "inputs": {"x": "text"}, "outputs": {"y": "same"}}]}}
            """;
        using var repo = new TestRepository()
            .AddModel("echo", 1, TestModelFactory.Identity(OnnxElementType.String, "n")).AddConfig("echo", """{"max_batch_size": 2}""")
            .AddFile("chunks/config.json", Config("")).AddFile("rows/config.json", Config("\"scan\": \"x\","));
        Directory.CreateDirectory(repo.PathOf("chunks", "1"));
        Directory.CreateDirectory(repo.PathOf("rows", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root);
        string[] texts = ["a", "longer text", "", "naïve ☃", "zz"];
        var request = new JsonObject { ["inputs"] = new JsonArray(new JsonObject { ["name"] = "text", ["shape"] = new JsonArray(texts.Length), ["datatype"] = "BYTES", ["data"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]) }) };

        foreach (var pipeline in new[] { "chunks", "rows" })
        {
            using var response = await server.Client.PostAsync($"/v2/models/{pipeline}/infer", Json(request.ToJsonString()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(texts, (await ReadJsonAsync(response))["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Billions_of_empty_rows_are_refused_before_any_is_split()
    {
        using var repo = new TestRepository()
            .AddModel("echo", 1, TestModelFactory.Identity(OnnxElementType.Float, "n", "m")).AddConfig("echo", """{"max_batch_size": 2}""")
            .AddFile("rows/config.json", """
                {"pipeline": {
                  "inputs": [{"name": "x", "datatype": "FP32", "dims": [-1, -1]}],
                  "outputs": [{"name": "y", "datatype": "FP32", "dims": [-1, -1]}],
                  "steps": [{"name": "echo", "model": "echo", "inputs": {"x": "x"}, "outputs": {"y": "y"}}]}}
                """);
        Directory.CreateDirectory(repo.PathOf("rows", "1"));
        await using var server = await InMemoryServer.StartAsync(repo.Root);

        using var response = await server.Client.PostAsync("/v2/models/rows/infer", Json("""{"inputs": [{"name": "x", "shape": [3000000000, 0], "datatype": "FP32", "data": []}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("step 'echo' would run 3000000000 rows in batches of 2 (max_batch_size of model 'echo'); one request may make it run at most 1048576", await ReadErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_of_the_wrong_shape_is_refused_and_its_sequence_goes_on_as_it_was()
    {
        await using var server = await StartRunningSumAsync();
        Assert.Equal(new[] { 1f, 3f }, await SendAsync(server, 8, [1, 2], start: true));

        var wrongShape = new JsonObject
        {
            ["parameters"] = new JsonObject { ["sequence_id"] = 8 },
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1, 2), ["datatype"] = "FP32", ["data"] = new JsonArray(1, 2) }),
        };
        using (var refused = await server.Client.PostAsync("/v2/models/running-sum/infer", Json(wrongShape)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(new[] { 7f }, await SendAsync(server, 8, [4], end: true));
    }

    private static async Task<InMemoryServer> StartRunningSumAsync()
    {
        var repo = new TestRepository().AddModel("accumulator", 1, Accumulator()).AddFile("running-sum/config.json", RunningSumConfig);
        Directory.CreateDirectory(repo.PathOf("running-sum", "1"));
        return await InMemoryServer.StartAsync(repo.Root);
    }

    private static async Task<float[]> SendAsync(InMemoryServer server, object id, float[] values, bool start = false, bool end = false)
    {
        using var response = await PostAsync(server, id, values, start, end);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Floats(await ReadJsonAsync(response));
    }

    private static Task<HttpResponseMessage> PostAsync(InMemoryServer server, object id, float[] values, bool start, bool end)
    {
        var body = new JsonObject
        {
            ["parameters"] = new JsonObject { ["sequence_id"] = JsonValue.Create(id), ["sequence_start"] = start, ["sequence_end"] = end },
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = "x", ["shape"] = new JsonArray(values.Length, 1), ["datatype"] = "FP32",
                ["data"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
            }),
        };
        return server.Client.PostAsync("/v2/models/running-sum/infer", Json(body));
    }

    private static float[] Floats(JsonNode json) => [.. json["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>())];
}
