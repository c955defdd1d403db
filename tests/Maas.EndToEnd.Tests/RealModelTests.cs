using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Maas.EndToEnd.Tests.Support;
using Maas.TestModels;

namespace Maas.EndToEnd.Tests;

/// <summary>Real models over real HTTP: the answers a user would check against published values.</summary>
public sealed class RealModelTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task MiniLM_SentenceEmbedding_MatchesPublishedReference_ByJsonAndBinary()
    {
        var ids = Tokenize("This is an example sentence");
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        var types = new long[ids.Length];

        var jsonBody = new JsonObject
        {
            ["inputs"] = new JsonArray(
                JsonInput("input_ids", ids), JsonInput("attention_mask", mask), JsonInput("token_type_ids", types)),
            ["outputs"] = new JsonArray(new JsonObject { ["name"] = "last_hidden_state" }),
        };
        using var jsonResponse = await _client.PostAsync("/v2/models/minilm/infer", new StringContent(jsonBody.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        var output = JsonNode.Parse(await jsonResponse.Content.ReadAsStringAsync())!["outputs"]![0]!;
        Assert.Equal([1L, ids.Length, 384L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        var hiddenByJson = output["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();

        var hiddenByBinary = await InferBinaryAsync(ids, mask, types);
        Assert.Equal(hiddenByJson, hiddenByBinary);

        var embedding = MeanPoolAndNormalize(hiddenByJson, mask, 384);
        Assert.Equal(0.067657, embedding[0], 1e-4);
        Assert.Equal(0.063496, embedding[1], 1e-4);
        Assert.Equal(0.048713, embedding[2], 1e-4);
    }

    [Fact]
    public async Task SileroVad_ScoresRealSpeechHigh_AndSilenceLow()
    {
        var speechFile = Directory.GetFiles(Path.Combine(RepoPaths.DemoData, "speech"), "*.wav").Order().First();
        var (speech, rate) = Wav.ReadMono16(speechFile);
        Assert.Equal(16000, rate);

        var speechScores = await RunVadAsync(speech.AsMemory(0, rate * 2));
        var silenceScores = await RunVadAsync(new float[rate]);

        Assert.True(speechScores.Max() > 0.9, $"speech peaked at {speechScores.Max():F3}");
        Assert.True(speechScores.Count(s => s > 0.5) > speechScores.Length / 4, $"only {speechScores.Count(s => s > 0.5)} of {speechScores.Length} speech chunks scored > 0.5");
        Assert.True(silenceScores.Max() < 0.1, $"silence peaked at {silenceScores.Max():F3}");
    }

    [Fact]
    public async Task ResNet18_OldOpsetCntkExport_ServesAnImageByBinaryPath()
    {
        var image = new float[3 * 224 * 224];
        var random = new Random(7);
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        var bytes = MemoryMarshal.AsBytes(image.AsSpan()).ToArray();
        var header = $$$"""{"inputs": [{"name": "Input247", "shape": [1, 3, 224, 224], "datatype": "FP32", "parameters": {"binary_data_size": {{{bytes.Length}}}}}], "parameters": {"binary_data_output": true}}""";
        using var response = await _client.PostAsync("/v2/models/resnet18/infer", BinaryContent(header, bytes));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (json, binary) = await SplitBinaryAsync(response);
        Assert.Equal([1L, 512L, 1L, 1L], json["outputs"]![0]!["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        var features = MemoryMarshal.Cast<byte, float>(binary).ToArray();
        Assert.Equal(512, features.Length);
        Assert.All(features, f => Assert.True(float.IsFinite(f)));
        Assert.Contains(features, f => f != 0);
    }

    private async Task<float[]> InferBinaryAsync(long[] ids, long[] mask, long[] types)
    {
        var size = ids.Length * 8;
        var header = $$$"""
            {"inputs": [
              {"name": "input_ids", "shape": [1, {{{ids.Length}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}},
              {"name": "attention_mask", "shape": [1, {{{ids.Length}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}},
              {"name": "token_type_ids", "shape": [1, {{{ids.Length}}}], "datatype": "INT64", "parameters": {"binary_data_size": {{{size}}}}}],
             "outputs": [{"name": "last_hidden_state", "parameters": {"binary_data": true}}]}
            """;
        using var response = await _client.PostAsync("/v2/models/minilm/infer", BinaryContent(header, AsBytes(ids), AsBytes(mask), AsBytes(types)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, binary) = await SplitBinaryAsync(response);
        return MemoryMarshal.Cast<byte, float>(binary).ToArray();
    }

    /// <summary>Silero VAD v5 at 16 kHz: 512 new samples plus 64 of context per call; the state flows from call to call.</summary>
    private async Task<float[]> RunVadAsync(ReadOnlyMemory<float> audio)
    {
        const int Chunk = 512, Context = 64;
        var state = new float[2 * 1 * 128];
        var window = new float[Context + Chunk];
        var scores = new List<float>();
        for (var start = 0; start + Chunk <= audio.Length; start += Chunk)
        {
            window.AsSpan(Chunk, Context).CopyTo(window);
            audio.Span.Slice(start, Chunk).CopyTo(window.AsSpan(Context));
            var input = MemoryMarshal.AsBytes(window.AsSpan()).ToArray();
            var stateBytes = MemoryMarshal.AsBytes(state.AsSpan()).ToArray();
            var sr = BitConverter.GetBytes(16000L);
            var header = $$$"""
                {"inputs": [
                  {"name": "input", "shape": [1, {{{window.Length}}}], "datatype": "FP32", "parameters": {"binary_data_size": {{{input.Length}}}}},
                  {"name": "state", "shape": [2, 1, 128], "datatype": "FP32", "parameters": {"binary_data_size": {{{stateBytes.Length}}}}},
                  {"name": "sr", "shape": [], "datatype": "INT64", "parameters": {"binary_data_size": 8}}],
                 "outputs": [{"name": "output", "parameters": {"binary_data": true}}, {"name": "stateN", "parameters": {"binary_data": true}}]}
                """;
            using var response = await _client.PostAsync("/v2/models/silero-vad/infer", BinaryContent(header, input, stateBytes, sr));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var (_, binary) = await SplitBinaryAsync(response);
            scores.Add(BitConverter.ToSingle(binary, 0));
            MemoryMarshal.Cast<byte, float>(binary.AsSpan(4)).CopyTo(state);
        }

        return [.. scores];
    }

    private static long[] Tokenize(string sentence)
    {
        // Every word of the reference sentence is a whole token of MiniLM's uncased WordPiece vocabulary.
        var vocab = File.ReadAllLines(Path.Combine(RepoPaths.DemoData, "minilm", "vocab.txt"));
        long Id(string token)
        {
            var id = Array.IndexOf(vocab, token);
            Assert.True(id >= 0, $"'{token}' is not in the vocabulary");
            return id;
        }

        return [Id("[CLS]"), .. sentence.ToLowerInvariant().Split(' ').Select(Id), Id("[SEP]")];
    }

    private static float[] MeanPoolAndNormalize(float[] hidden, long[] mask, int width)
    {
        var sum = new double[width];
        var count = 0;
        for (var t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0)
            {
                continue;
            }

            count++;
            for (var d = 0; d < width; d++)
            {
                sum[d] += hidden[(t * width) + d];
            }
        }

        var norm = Math.Sqrt(sum.Sum(v => (v / count) * (v / count)));
        return sum.Select(v => (float)(v / count / norm)).ToArray();
    }

    private static JsonObject JsonInput(string name, long[] values) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray(1, values.Length),
        ["datatype"] = "INT64",
        ["data"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray()),
    };

    private static byte[] AsBytes(long[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static ByteArrayContent BinaryContent(string header, params byte[][] tensors)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var content = new ByteArrayContent([.. headerBytes, .. tensors.SelectMany(t => t)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    private static async Task<(JsonNode Json, byte[] Binary)> SplitBinaryAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var length = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (JsonNode.Parse(body.AsSpan(0, length))!, body[length..]);
    }
}
