using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Maas.EndToEnd.Tests.Support;
using Maas.Server;
using Maas.TestModels;
using Maas.TestModels.Gguf;

namespace Maas.EndToEnd.Tests;

/// <summary>A GGUF version loads and unloads like any model: explicit load, serve, unload while a stream runs, load again.</summary>
[Collection(LanguageModelServers.Name)]
public sealed class LanguageModelLifecycleTests
{
    private const string Chat = """{"model": "tiny-llm", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3, "temperature": 0}""";

    [Fact]
    public async Task ExplicitLoadUnloadLoad_ServesThenRefusesThenServes_AndDrainsTheRunningStream()
    {
        using var repo = new TestRepository();
        LlamaTestModel.Write(repo.PathOf("tiny-llm", "1", "model.gguf"));
        repo.AddConfig("tiny-llm", """{ "llm": { "context_length": 256, "max_sequences": 2, "threads": 1 } }""");
        await using var server = await LoopbackServer.StartAsync(repo.Root, adjust: o => o with { ModelControlMode = ModelControlMode.Explicit });
        var client = server.Client;

        using (var before = await client.PostAsync("/v1/chat/completions", Json(Chat)))
        {
            Assert.NotEqual(HttpStatusCode.OK, before.StatusCode);
            Assert.NotNull(JsonNode.Parse(await before.Content.ReadAsStringAsync())!["error"]!["message"]);
        }

        using (var load = await client.PostAsync("/v2/repository/models/tiny-llm/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        using (var ok = await client.PostAsync("/v1/chat/completions", Json(Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A stream that is running when the unload comes finishes: the version drains its leases first.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = Json("""{"model": "tiny-llm", "prompt": "go", "max_tokens": 60, "temperature": 0, "stream": true}""") };
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
        var unload = client.PostAsync("/v2/repository/models/tiny-llm/unload", null);
        var rest = await reader.ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        Assert.Contains("\"finish_reason\":\"length\"", rest, StringComparison.Ordinal);
        using (var unloaded = await unload)
        {
            Assert.Equal(HttpStatusCode.OK, unloaded.StatusCode);
        }

        using (var after = await client.PostAsync("/v1/chat/completions", Json(Chat)))
        {
            Assert.NotEqual(HttpStatusCode.OK, after.StatusCode);
            Assert.NotNull(JsonNode.Parse(await after.Content.ReadAsStringAsync())!["error"]!["message"]);
        }

        var models = JsonNode.Parse(await client.GetStringAsync("/v1/models"))!;
        Assert.Empty(models["data"]!.AsArray());

        using (var reload = await client.PostAsync("/v2/repository/models/tiny-llm/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }

        using var again = await client.PostAsync("/v1/chat/completions", Json(Chat));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(3, (int)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["usage"]!["completion_tokens"]!);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
