using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Client;
using Maas.Client.Grpc;
using Maas.Client.Http;
using Maas.EndToEnd.Tests.Support;

namespace Maas.EndToEnd.Tests;

/// <summary>
/// The demo <c>minilm-embed</c> pipeline (WordPiece → MiniLM → mean pool + L2), configured in
/// samples/pipelines only: a sentence in, its published embedding out, over the OpenAI
/// embeddings API and over KServe v2.
/// </summary>
[Collection(DemoServers.Name)]
public sealed class EmbeddingPipelineTests(DemoServerFixture fixture)
{
    private const string Sentence = "This is an example sentence";

    [Fact]
    public async Task OpenAI_embeddings_of_a_sentence_match_the_published_reference_with_usage()
    {
        var json = await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = Sentence, ["encoding_format"] = "float" });

        Assert.Equal("list", json["object"]!.GetValue<string>());
        Assert.Equal("minilm-embed", json["model"]!.GetValue<string>());
        var item = Assert.Single(json["data"]!.AsArray())!;
        Assert.Equal("embedding", item["object"]!.GetValue<string>());
        Assert.Equal(0, item["index"]!.GetValue<int>());
        var vector = item["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        Assert.Equal(384, vector.Length);
        Assert.Equal(0.067657, vector[0], 1e-4);
        Assert.Equal(0.063496, vector[1], 1e-4);
        Assert.Equal(0.048713, vector[2], 1e-4);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 1e-4);
        // [CLS] this is an example sentence [SEP]
        Assert.Equal(7, json["usage"]!["prompt_tokens"]!.GetValue<int>());
        Assert.Equal(7, json["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task OpenAI_embeddings_of_an_array_in_base64_decode_to_the_same_floats_in_order()
    {
        string[] texts = [Sentence, "Pipelines serve whole models from configuration."];
        var floats = await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]) });
        var base64 = await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]), ["encoding_format"] = "base64" });

        for (var i = 0; i < texts.Length; i++)
        {
            var expected = floats["data"]![i]!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            var bytes = Convert.FromBase64String(base64["data"]![i]!["embedding"]!.GetValue<string>());
            Assert.Equal(i, base64["data"]![i]!["index"]!.GetValue<int>());
            Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray());
        }

        Assert.NotEqual(floats["data"]![0]!["embedding"]!.ToJsonString(), floats["data"]![1]!["embedding"]!.ToJsonString());
    }

    [Theory]
    [InlineData(400, """{"model": "minilm-embed", "input": []}""", "send 1 to 2048 strings")]
    [InlineData(400, """{"model": "minilm-embed", "input": [101, 2023]}""", "this server embeds text")]
    [InlineData(400, """{"model": "minilm-embed", "input": ""}""", "is an empty string")]
    [InlineData(400, """{"model": "minilm-embed", "input": "hi", "dimensions": 128}""", "makes 384-dimensional embeddings")]
    [InlineData(400, """{"model": "minilm-embed", "input": "hi", "encoding_format": "int8"}""", "must be \"float\" or \"base64\"")]
    [InlineData(400, """{"model": "minilm-embed", "input": "hi", "encoding_format": 3}""", "must be \"float\" or \"base64\"")]
    [InlineData(400, """{"model": "minilm-embed", "input": {"text": "hi"}}""", "must be a string or an array of strings")]
    [InlineData(400, """[1, 2]""", "must be a JSON object")]
    [InlineData(400, """{"model": "minilm-embed", "input": "a\ud800"}""", "unpaired UTF-16 surrogate")]
    [InlineData(400, """{"model": "minilm-embed", "input": null}""", "must be a string or an array of strings")]
    [InlineData(400, """{"model": "minilm", "input": "hi"}""", "is not an embedding model")]
    [InlineData(404, """{"model": "no-such-model", "input": "hi"}""", "Unknown model 'no-such-model'")]
    public async Task Bad_embedding_requests_get_a_clear_error_in_OpenAI_shape(int status, string body, string expected)
    {
        using var response = await fixture.Client.PostAsync("/v1/embeddings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains(expected, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Optional_fields_sent_as_null_take_their_defaults()
    {
        var json = await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = Sentence, ["encoding_format"] = null, ["dimensions"] = null, ["user"] = null });

        Assert.Equal(384, json["data"]![0]!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task Embedding_models_are_listed_by_the_OpenAI_models_route()
    {
        var json = JsonNode.Parse(await fixture.Client.GetStringAsync("/v1/models"))!;

        var model = json["data"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "minilm-embed")!;
        Assert.Equal(384, model["dimensions"]!.GetValue<int>());
    }

    [Fact]
    public async Task KServe_clients_get_the_same_embeddings_over_REST_and_gRPC_and_a_batch_equals_its_parts()
    {
        string[] texts = [Sentence, "A second, somewhat longer sentence for the same batch."];
        using var rest = new KServeHttpClient(fixture.Server.Address);
        using var grpc = new KServeGrpcClient(fixture.Server.GrpcAddress);
        var batch = new InferRequest("minilm-embed").WithInput(InferTensor.FromStrings("text", texts, texts.Length));
        batch.Outputs.Add("embedding");

        var byRest = (await rest.InferAsync(batch)).Output("embedding");
        var byGrpc = (await grpc.InferAsync(batch)).Output("embedding");

        Assert.Equal([2L, 384L], byRest.Shape);
        Assert.Equal(byRest.Data.ToArray(), byGrpc.Data.ToArray());
        var rows = byRest.ToArray<float>();
        Assert.Equal(0.067657, rows[0], 1e-4);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = new InferRequest("minilm-embed").WithInput(InferTensor.FromStrings("text", [texts[i]], 1));
            var single = (await rest.InferAsync(alone)).Output("embedding").ToArray<float>();
            for (var d = 0; d < 384; d++)
            {
                Assert.Equal(single[d], rows[(i * 384) + d], 1e-5);
            }
        }
    }

    [Fact]
    public async Task OpenAI_limit_of_2048_inputs_is_served_and_too_many_tokens_are_refused_naming_the_budget()
    {
        var shortTexts = new JsonArray([.. Enumerable.Range(0, 2048).Select(i => (JsonNode)$"text {i}")]);
        var served = await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = shortTexts, ["encoding_format"] = "base64" });

        // 2048 texts truncated to max_length 256 are 524,288 tokens, twice the default budget.
        var paragraph = string.Join(' ', Enumerable.Repeat("pipelines tokenize every sentence", 80));
        var longTexts = new JsonArray([.. Enumerable.Range(0, 2048).Select(_ => (JsonNode)paragraph)]);
        using var refused = await fixture.Client.PostAsync("/v1/embeddings", new StringContent(new JsonObject { ["model"] = "minilm-embed", ["input"] = longTexts }.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(2048, served["data"]!.AsArray().Count);
        Assert.Equal(2047, served["data"]![2047]!["index"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        Assert.Contains("2048 texts padded to 256 tokens are 524288 tokens; the limit is 262144 per request (option max_batch_tokens)", message, StringComparison.Ordinal);
        Assert.Single((await PostEmbeddingsAsync(new JsonObject { ["model"] = "minilm-embed", ["input"] = Sentence }))["data"]!.AsArray());
    }

    [Fact]
    public async Task Text_that_is_not_UTF8_is_refused_and_the_pipeline_keeps_serving()
    {
        using var rest = new KServeHttpClient(fixture.Server.Address);
        var bad = new InferRequest("minilm-embed").WithInput(InferTensor.FromBytes("text", [[0xC3, 0x28]], 1));

        var error = await Assert.ThrowsAsync<MaasClientException>(() => rest.InferAsync(bad));

        Assert.Equal(400, error.HttpStatus);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        var good = new InferRequest("minilm-embed").WithInput(InferTensor.FromStrings("text", [Sentence], 1));
        var answer = await rest.InferAsync(good);
        Assert.Equal([1L, 384L], answer.Output("embedding").Shape);
    }

    private async Task<JsonNode> PostEmbeddingsAsync(JsonObject body)
    {
        using var response = await fixture.Client.PostAsync("/v1/embeddings", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
