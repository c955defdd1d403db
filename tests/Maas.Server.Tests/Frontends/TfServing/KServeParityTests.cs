using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Frontends.TfServing.TfServingHttp;

namespace Maas.Server.Tests.Frontends.TfServing;

/// <summary>Both protocols build the same canonical request: the same input gives the same bits.</summary>
public sealed class KServeParityTests(TfServingFixture server) : IClassFixture<TfServingFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task SmallCnn_SameInputThroughKServeAndTfServing_GivesBitIdenticalFp32()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 2 * 784).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var text = string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        var kserve = $$"""{"inputs": [{"name": "input", "shape": [2, 1, 28, 28], "datatype": "FP32", "data": [{{text}}]}]}""";
        using var kserveResponse = await _client.PostAsync("/v2/models/small-cnn/infer", KServeJson.Json(kserve));
        Assert.Equal(HttpStatusCode.OK, kserveResponse.StatusCode);
        var expected = KServeJson.Floats((await KServeJson.ReadJsonAsync(kserveResponse))["outputs"]![0]!["data"]);

        var first = string.Join(", ", values.Take(784).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var second = string.Join(", ", values.Skip(784).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var tf = $$"""{"instances": [[[{{PredictTests.Rows(first)}}]], [[{{PredictTests.Rows(second)}}]]]}""";
        var predictions = Floats(JsonNode.Parse(await PostOkAsync(_client, "/v1/models/small-cnn:predict", tf))!["predictions"]);

        Assert.Equal(20, expected.Length);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), predictions.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public async Task Add_SameInputThroughKServeAndTfServing_GivesBitIdenticalFp32()
    {
        const string a = "[0.1, 0.2, 0.3, 1e-7]", b = "[0.7, 1.3, -2.25, 3.4e38]";
        var kserve = $$"""{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": {{a}}}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": {{b}}}]}""";
        using var kserveResponse = await _client.PostAsync("/v2/models/add/infer", KServeJson.Json(kserve));
        var outputs = (await KServeJson.ReadJsonAsync(kserveResponse))["outputs"]!.AsArray();

        var tf = JsonNode.Parse(await PostOkAsync(_client, "/v1/models/add:predict", $$"""{"instances": [{"a": {{a}}, "b": {{b}}}]}"""))!["predictions"]![0]!;
        foreach (var output in outputs)
        {
            var name = output!["name"]!.GetValue<string>();
            Assert.Equal(KServeJson.Floats(output["data"]).Select(BitConverter.SingleToInt32Bits), Floats(tf[name]).Select(BitConverter.SingleToInt32Bits));
        }
    }
}
