using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maas.EndToEnd.Tests.Support;

namespace Maas.EndToEnd.Tests;

/// <summary>The OpenAI API and KServe generate extension over real Kestrel, on the generated tiny GGUF.</summary>
[Collection(LanguageModelServers.Name)]
public sealed class LanguageModelTests(LanguageModelServerFixture fixture) : IClassFixture<LanguageModelServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static JsonObject Chat(string content, int maxTokens, bool stream = false, object? extra = null)
    {
        var body = new JsonObject
        {
            ["model"] = "tiny-llm",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "You are terse." }, new JsonObject { ["role"] = "user", ["content"] = content }),
            ["max_tokens"] = maxTokens,
            ["temperature"] = 0,
            ["stream"] = stream,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }

        return body;
    }

    private async Task<JsonObject> PostJsonAsync(string path, JsonObject body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Reads an SSE response: the JSON of every event before <c>[DONE]</c>, and whether <c>[DONE]</c> came.</summary>
    private async Task<(List<JsonObject> Events, bool Done)> PostStreamAsync(string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonObject>();
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            Assert.StartsWith("data: ", line, StringComparison.Ordinal);
            Assert.False(done, "an event after [DONE]");
            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            events.Add(JsonNode.Parse(data)!.AsObject());
        }

        return (events, done);
    }

    private static string ChatText(List<JsonObject> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            foreach (var choice in e["choices"]!.AsArray())
            {
                text.Append((string?)choice!["delta"]!["content"]);
            }
        }

        return text.ToString();
    }

    [Fact]
    public async Task ChatCompletion_HasOpenAIShape_AndRespectsMaxTokens()
    {
        var answer = await PostJsonAsync("/v1/chat/completions", Chat("Say something.", 7));

        Assert.StartsWith("chatcmpl-", (string?)answer["id"], StringComparison.Ordinal);
        Assert.Equal("chat.completion", (string?)answer["object"]);
        Assert.Equal("tiny-llm", (string?)answer["model"]);
        var choice = answer["choices"]![0]!;
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.False(string.IsNullOrEmpty((string?)choice["message"]!["content"]));
        Assert.Equal("length", (string?)choice["finish_reason"]);
        var usage = answer["usage"]!;
        Assert.Equal(7, (int)usage["completion_tokens"]!);
        Assert.True((int)usage["prompt_tokens"]! > 10);
        Assert.Equal((int)usage["prompt_tokens"]! + 7, (int)usage["total_tokens"]!);
    }

    [Fact]
    public async Task StreamedChat_IsChunksThenDone_AndEqualsTheNonStreamedText()
    {
        var whole = await PostJsonAsync("/v1/chat/completions", Chat("Stream please.", 12));
        var (events, done) = await PostStreamAsync("/v1/chat/completions", Chat("Stream please.", 12, stream: true, new { stream_options = new { include_usage = true } }));

        Assert.True(done);
        Assert.All(events, e => Assert.Equal("chat.completion.chunk", (string?)e["object"]));
        Assert.Single(events.Select(e => (string?)e["id"]).Distinct());
        Assert.Equal("assistant", (string?)events[0]["choices"]![0]!["delta"]!["role"]);
        var usageEvent = events[^1];
        Assert.Empty(usageEvent["choices"]!.AsArray());
        Assert.Equal(12, (int)usageEvent["usage"]!["completion_tokens"]!);
        var finishEvent = events[^2];
        Assert.Equal("length", (string?)finishEvent["choices"]![0]!["finish_reason"]);
        Assert.Equal((string?)whole["choices"]![0]!["message"]!["content"], ChatText(events));
    }

    [Fact]
    public async Task Completions_StreamAndNonStream_Agree()
    {
        var body = new JsonObject { ["model"] = "tiny-llm", ["prompt"] = "The capital of France is", ["max_tokens"] = 9, ["temperature"] = 0 };
        var whole = await PostJsonAsync("/v1/completions", body);
        Assert.Equal("text_completion", (string?)whole["object"]);
        Assert.Equal(9, (int)whole["usage"]!["completion_tokens"]!);

        body["stream"] = true;
        var (events, done) = await PostStreamAsync("/v1/completions", body);
        Assert.True(done);
        var text = string.Concat(events.Select(e => (string?)e["choices"]![0]!["text"]));
        Assert.Equal((string?)whole["choices"]![0]!["text"], text);
        Assert.Equal("length", (string?)events[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task SeededSampling_IsDeterministic()
    {
        var body = Chat("Roll the dice.", 10, extra: new { temperature = 0.9, top_p = 0.95, seed = 1234 });
        var first = await PostJsonAsync("/v1/chat/completions", body);
        var second = await PostJsonAsync("/v1/chat/completions", body);
        Assert.Equal((string?)first["choices"]![0]!["message"]!["content"], (string?)second["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task StopSequence_AcrossTokenBoundaries_CutsTheOutput()
    {
        var full = (string)(await PostJsonAsync("/v1/chat/completions", Chat("Tell a story.", 24)))["choices"]![0]!["message"]!["content"]!;
        Assert.True(full.Length > 10, full);
        var stop = full.Substring(full.Length / 2, 4);
        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];

        var cut = await PostJsonAsync("/v1/chat/completions", Chat("Tell a story.", 24, extra: new { stop = new[] { stop } }));
        Assert.Equal(expected, (string?)cut["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)cut["choices"]![0]!["finish_reason"]);

        var (events, _) = await PostStreamAsync("/v1/chat/completions", Chat("Tell a story.", 24, stream: true, new { stop = new[] { stop } }));
        Assert.Equal(expected, ChatText(events));
    }

    [Fact]
    public async Task EightConcurrentStreams_AllComplete_WithTheirOwnLengths()
    {
        var tasks = Enumerable.Range(0, 8).Select(i => PostStreamAsync("/v1/completions", new JsonObject
        {
            ["model"] = "tiny-llm",
            ["prompt"] = $"Stream {i} begins",
            ["max_tokens"] = 6 + i,
            ["temperature"] = 0,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        })).ToArray();
        var results = await Task.WhenAll(tasks);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].Done);
            Assert.Equal(6 + i, (int)results[i].Events[^1]["usage"]!["completion_tokens"]!);
        }

        // Batched with seven others, a sequence decodes what it decodes alone.
        var alone = await PostJsonAsync("/v1/completions", new JsonObject { ["model"] = "tiny-llm", ["prompt"] = "Stream 5 begins", ["max_tokens"] = 11, ["temperature"] = 0 });
        var streamed = string.Concat(results[5].Events.Where(e => e["choices"]!.AsArray().Count > 0).Select(e => (string?)e["choices"]![0]!["text"]));
        Assert.Equal((string?)alone["choices"]![0]!["text"], streamed);
    }

    [Fact]
    public async Task ClientDisconnect_FreesTheSlot_AndAFullEngineAnswers429()
    {
        var body = new JsonObject { ["model"] = "one-slot", ["prompt"] = "Go on and on", ["max_tokens"] = 400, ["temperature"] = 0, ["stream"] = true };
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") })
        using (var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);

            // The only slot is busy and the queue holds nothing: refused, in OpenAI's error shape.
            var refused = await PostJsonAsync("/v1/completions", new JsonObject { ["model"] = "one-slot", ["prompt"] = "x", ["max_tokens"] = 2 }, HttpStatusCode.TooManyRequests);
            Assert.Equal("rate_limit_error", (string?)refused["error"]!["type"]);
        }

        // The client left mid-stream: its slot frees within a few steps.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await Client.PostAsync("/v1/completions", new StringContent("""{"model": "one-slot", "prompt": "again", "max_tokens": 3}""", Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal(3, (int)answer["usage"]!["completion_tokens"]!);
                break;
            }

            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "the abandoned sequence never freed its slot");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task PromptLongerThanContext_Is400_NamingBothNumbers()
    {
        var body = new JsonObject { ["model"] = "tiny-llm", ["prompt"] = string.Concat(Enumerable.Repeat("word ", 400)), ["max_tokens"] = 4 };
        var error = (await PostJsonAsync("/v1/completions", body, HttpStatusCode.BadRequest))["error"]!;
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        var message = (string)error["message"]!;
        Assert.Contains("maximum context length is 256 tokens", message, StringComparison.Ordinal);
        Assert.Matches("the prompt has \\d{3} tokens", message);
    }

    [Theory]
    [InlineData("""{"model": "tiny-llm", "messages": [{"role": "wizard", "content": "hi"}]}""", "messages[0].role")]
    [InlineData("""{"model": "tiny-llm", "messages": [{"role": "user", "content": "hi"}], "temperature": 5}""", "temperature")]
    [InlineData("""{"model": "tiny-llm", "messages": [{"role": "user", "content": "hi"}], "top_p": 0}""", "top_p")]
    [InlineData("""{"model": "tiny-llm", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}""", "max_tokens")]
    [InlineData("""{"model": "tiny-llm", "messages": []}""", "messages")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "model")]
    [InlineData("""{"model": "add", "messages": [{"role": "user", "content": "hi"}]}""", "not a language model")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task BadRequests_Are400_InOpenAIErrorShape(string json, string mentioned)
    {
        using var response = await Client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Contains(mentioned, (string)error["message"]!, StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", (string?)error["type"]);

        // The server keeps serving.
        var ok = await PostJsonAsync("/v1/chat/completions", Chat("Still there?", 2));
        Assert.Equal(2, (int)ok["usage"]!["completion_tokens"]!);
    }

    [Theory]
    [InlineData("""[1, 2]""", "must be a JSON object, not array")]
    [InlineData("""{"text_input": 5}""", "'text_input' (a string)")]
    [InlineData("""{"text_input": "Hi", "parameters": {"max_tokens": 0}}""", "max_tokens")]
    public async Task BadGenerateRequests_Are400_AndTheModelStillGenerates(string json, string mentioned)
    {
        using var response = await Client.PostAsync("/v2/models/tiny-llm/generate", new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentioned, (string)JsonNode.Parse(text)!["error"]!, StringComparison.Ordinal);

        var ok = await PostJsonAsync("/v2/models/tiny-llm/generate", new JsonObject { ["text_input"] = "Still there?", ["parameters"] = new JsonObject { ["max_tokens"] = 2 } });
        Assert.Equal(JsonValueKind.String, ok["text_output"]!.GetValueKind());
    }

    [Fact]
    public async Task UnknownModel_Is404_ModelNotFound()
    {
        var error = (await PostJsonAsync("/v1/chat/completions", new JsonObject { ["model"] = "nope", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) }, HttpStatusCode.NotFound))["error"]!;
        Assert.Equal("model_not_found", (string?)error["code"]);
        Assert.Contains("nope", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListsLanguageModels_WithGgufMetadata()
    {
        var list = await Client.GetFromJsonAsync<JsonObject>("/v1/models");
        Assert.Equal("list", (string?)list!["object"]);
        var tiny = list["data"]!.AsArray().Single(m => (string?)m!["id"] == "tiny-llm")!;
        Assert.Equal("model", (string?)tiny["object"]);
        Assert.Equal("llama", (string?)tiny["architecture"]);
        Assert.Equal("F32", (string?)tiny["quantization"]);
        Assert.Equal(256, (int)tiny["context_length"]!);
        Assert.Equal(50259, (int)tiny["vocabulary_size"]!);
        Assert.DoesNotContain(list["data"]!.AsArray(), m => (string?)m!["id"] == "add");
    }

    [Fact]
    public async Task TensorInferOnALanguageModel_Is501_AndTensorModelsStillServe()
    {
        using var infer = await Client.PostAsync("/v2/models/tiny-llm/infer", new StringContent("""{"inputs": [{"name": "text_input", "datatype": "BYTES", "shape": [1], "data": ["hi"]}]}""", Encoding.UTF8, "application/json"));
        var text = await infer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotImplemented, infer.StatusCode);
        Assert.Contains("/v1/chat/completions", text, StringComparison.Ordinal);

        var metadata = await Client.GetFromJsonAsync<JsonObject>("/v2/models/tiny-llm");
        Assert.Equal("llama.cpp_gguf", (string?)metadata!["platform"]);
        Assert.Equal("llama", (string?)metadata["parameters"]!["architecture"]);
        Assert.Equal("F32", (string?)metadata["parameters"]!["quantization"]);
        Assert.Equal("256", (string?)metadata["parameters"]!["context_length"]);
        Assert.Equal("50259", (string?)metadata["parameters"]!["vocabulary_size"]);
        var tensorMetadata = await Client.GetFromJsonAsync<JsonObject>("/v2/models/add");
        Assert.Null(tensorMetadata!["parameters"]);

        using var add = await Client.PostAsync("/v2/models/add/infer", new StringContent("""{"inputs": [{"name": "a", "datatype": "FP32", "shape": [1, 4], "data": [1, 2, 3, 4]}, {"name": "b", "datatype": "FP32", "shape": [1, 4], "data": [3, 4, 5, 6]}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, add.StatusCode);
    }

    [Fact]
    public async Task KServeGenerate_AndGenerateStream_AgreeWithCompletions()
    {
        var completion = await PostJsonAsync("/v1/completions", new JsonObject { ["model"] = "tiny-llm", ["prompt"] = "Generate", ["max_tokens"] = 8, ["temperature"] = 0 });
        var generated = await PostJsonAsync("/v2/models/tiny-llm/generate", new JsonObject { ["text_input"] = "Generate", ["parameters"] = new JsonObject { ["max_tokens"] = 8, ["temperature"] = 0 } });
        Assert.Equal("tiny-llm", (string?)generated["model_name"]);
        Assert.Equal("1", (string?)generated["model_version"]);
        Assert.Equal((string?)completion["choices"]![0]!["text"], (string?)generated["text_output"]);

        var (events, _) = await PostStreamAsync("/v2/models/tiny-llm/generate_stream", new JsonObject { ["text_input"] = "Generate", ["max_tokens"] = 8, ["temperature"] = 0 });
        Assert.Equal((string?)generated["text_output"], string.Concat(events.Select(e => (string?)e["text_output"])));
    }

    [Fact]
    public async Task Metrics_ExportLanguageModelInstruments()
    {
        await PostJsonAsync("/v1/chat/completions", Chat("Measure me.", 4));
        var metrics = await Client.GetStringAsync("/metrics");
        foreach (var name in (string[])["maas_llm_time_to_first_token_seconds_bucket", "maas_llm_time_per_output_token_seconds_bucket", "maas_llm_inter_token_latency_seconds_bucket",
            "maas_llm_queue_wait_seconds_bucket", "maas_llm_prompt_tokens_total", "maas_llm_generated_tokens_total", "maas_llm_active_sequences", "maas_llm_queued_sequences"])
        {
            Assert.Contains(name + "{", metrics, StringComparison.Ordinal);
        }

        // Every sequence finished: no KV cells are held (the slot frees right after the last chunk is sent).
        const string Idle = "maas_llm_kv_cache_usage{otel_scope_name=\"Maas.Llm\",model=\"tiny-llm\",version=\"1\"} 0\n";
        for (var attempt = 0; attempt < 50 && !metrics.Contains(Idle, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            metrics = await Client.GetStringAsync("/metrics");
        }

        Assert.Contains(Idle, metrics, StringComparison.Ordinal);
        Assert.Contains("model=\"tiny-llm\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedSystemPrompt_SecondChat_ReportsCachedTokens_InUsageAndMetrics()
    {
        var system = string.Concat(Enumerable.Repeat("The assistant speaks of tides and moons, briefly. ", 8));
        JsonObject Body(string user, bool stream = false)
        {
            var body = Chat(user, 3, stream, stream ? new { stream_options = new { include_usage = true } } : null);
            body["messages"]![0]!["content"] = system;
            return body;
        }

        var first = await PostJsonAsync("/v1/chat/completions", Body("First question"));
        var second = await PostJsonAsync("/v1/chat/completions", Body("Another one"));
        var prompt = (int)second["usage"]!["prompt_tokens"]!;
        var cached = (int)second["usage"]!["prompt_tokens_details"]!["cached_tokens"]!;
        // The system prompt (over 80 tokens) came from the first chat; the user message did not.
        Assert.True(cached > 80 && cached < prompt, $"cached_tokens {cached} of prompt_tokens {prompt}");
        Assert.True((int)first["usage"]!["prompt_tokens_details"]!["cached_tokens"]! < 80);

        var (events, _) = await PostStreamAsync("/v1/chat/completions", Body("A third", stream: true));
        Assert.True((int)events[^1]["usage"]!["prompt_tokens_details"]!["cached_tokens"]! > 80);

        var metrics = await Client.GetStringAsync("/metrics");
        // At least the second and third chats hit, each reusing over 80 tokens.
        var hits = System.Text.RegularExpressions.Regex.Match(metrics, "maas_llm_prefix_cache_hits_total\\{[^}]*model=\"tiny-llm\"[^}]*\\} (\\d+)");
        var reused = System.Text.RegularExpressions.Regex.Match(metrics, "maas_llm_prefix_cache_reused_tokens_total\\{[^}]*model=\"tiny-llm\"[^}]*\\} (\\d+)");
        Assert.True(hits.Success && reused.Success, metrics);
        Assert.True(long.Parse(hits.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, hits.Value);
        Assert.True(long.Parse(reused.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 160, reused.Value);
        Assert.Contains("maas_llm_prefix_cache_tokens{", metrics, StringComparison.Ordinal);
    }
}
