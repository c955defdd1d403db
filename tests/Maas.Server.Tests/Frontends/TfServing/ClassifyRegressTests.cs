using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using static Maas.Server.Tests.Frontends.TfServing.TfServingHttp;

namespace Maas.Server.Tests.Frontends.TfServing;

public sealed class ClassifyRegressTests(TfServingFixture server) : IClassFixture<TfServingFixture>
{
    private readonly HttpClient _client = server.Client;

    private static string Image(int seed) =>
        string.Join(", ", Enumerable.Range(0, 784).Select(i => (((i * seed) % 23) / 22.0).ToString(CultureInfo.InvariantCulture)));

    [Fact]
    public async Task Classify_WithOutputLabels_AnswersLabelScorePairsPerExample_WithThePredictScores()
    {
        // Examples are flat feature lists, as tf.train.Example holds them; the model's row shape [1,28,28] is applied.
        var request = $$"""{"examples": [{"input": [{{Image(3)}}]}, {"input": [{{Image(5)}}]}]}""";
        var body = await PostOkAsync(_client, "/v1/models/labelled-cnn:classify", request);
        var results = JsonNode.Parse(body)!["results"]!.AsArray();
        Assert.Equal(2, results.Count);

        var predict = JsonNode.Parse(await PostOkAsync(_client, "/v1/models/labelled-cnn:predict", "{\"inputs\": {\"input\": [[[" + PredictTests.Rows(Image(3)) + "]], [[" + PredictTests.Rows(Image(5)) + "]]]}}"))!;
        var logits = Floats(predict["outputs"]);
        for (var example = 0; example < 2; example++)
        {
            var pairs = results[example]!.AsArray();
            Assert.Equal(TfServingFixture.CnnLabels, pairs.Select(p => p![0]!.GetValue<string>()));
            Assert.Equal(logits.Skip(example * 10).Take(10), pairs.Select(p => p![1]!.GetValue<float>()));
        }
    }

    [Fact]
    public async Task Classify_WithoutOutputLabels_NamesClassesByIndex_AndTakesNestedValues()
    {
        var body = await PostOkAsync(_client, "/v1/models/small-cnn:classify", $$"""{"signature_name": "serving_default", "examples": [{"input": [[{{PredictTests.Rows(Image(7))}}]]}]}""");
        var pairs = JsonNode.Parse(body)!["results"]![0]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), pairs.Select(p => p![0]!.GetValue<string>()));
    }

    [Fact]
    public async Task Classify_ContextFeatures_ApplyToEveryExample()
    {
        // add v1: sum = a + b, one float output [batch,4]: four "classes".
        var body = await PostOkAsync(_client, "/v1/models/add/versions/1:classify", """{"context": {"b": [10, 20, 30, 40]}, "examples": [{"a": [1, 2, 3, 4]}, {"a": [0, 0, 0, 1]}]}""");
        Assert.Equal("""{"results":[[["0",11.0],["1",22.0],["2",33.0],["3",44.0]],[["0",10.0],["1",20.0],["2",30.0],["3",41.0]]]}""", body);
    }

    [Fact]
    public async Task Regress_AnswersOneValuePerExample()
    {
        var body = await PostOkAsync(_client, "/v1/models/row-sum:regress", """{"examples": [{"x": [1, 2, 3]}, {"x": [4, 5, 6.5]}, {"x": [[0, 0, -1]]}]}""");
        Assert.Equal("""{"results":[6.0,15.5,-1.0]}""", body);
    }

    public static TheoryData<string, string, string> Errors => new()
    {
        { "small-cnn:regress", """{"examples": [{"input": [1]}]}""", "Model 'small-cnn' cannot answer :regress: it needs exactly one floating-point output shaped [batch] or [batch, 1] (a value per example), and the model's outputs are 'logits' (DT_FLOAT [-1,10]). Use :predict" },
        { "add:classify", """{"examples": [{"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]}]}""", "Model 'add' cannot answer :classify: it needs exactly one floating-point output shaped [batch, classes]" },
        { "identity-int32:regress", """{"examples": [{"x": 1}]}""", "cannot answer :regress" },
        { "mislabelled-cnn:classify", $$"""{"examples": [{"input": [{{Image(1)}}]}]}""", "Model 'mislabelled-cnn' cannot answer :classify: config.json `output_labels` has 3 names, but output 'logits' has 10 classes" },
        { "row-sum:regress", """{"instances": [[1, 2, 3]]}""", "The request has no 'examples'" },
        { "row-sum:regress", """{"examples": []}""", "'examples' must be a non-empty list of objects" },
        { "row-sum:regress", """{"examples": [[1, 2, 3]]}""", "Example 0 is not an object" },
        { "row-sum:regress", """{"examples": [{"x": [1, 2, 3]}, {"y": [1, 2, 3]}]}""", "Example 1 names 'y', which is not an input of model 'row-sum'" },
        { "row-sum:regress", """{"examples": [{"x": [1, 2, 3]}, {}]}""", "Example 1 lacks feature 'x' (DT_FLOAT, shape [-1,3]), and 'context' does not give it" },
        { "row-sum:regress", """{"context": {"x": [1, 2, 3]}, "examples": [{"x": [1, 2, 3]}]}""", "Feature 'x' is in both 'context' and example 0" },
        { "row-sum:regress", """{"examples": [{"x": [1, 2]}]}""", "Input 'x' of model 'row-sum' takes each example shaped [3] (or a flat list of 3 values)" },
        { "row-sum:regress", """{"examples": [{"x": [1, 2, "3"]}]}""", "Element 2 of input 'x' of example 0 is a string" },
        { "row-sum:regress", """{"signature_name": "tensorflow/serving/regress", "examples": [{"x": [1, 2, 3]}]}""", "signature_name is 'tensorflow/serving/regress', but model 'row-sum' has one signature, 'serving_default'" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task ModelsAndRequestsThatDoNotFit_Answer400SayingWhy(string target, string body, string message)
    {
        var (status, answer) = await PostAsync(_client, "/v1/models/" + target, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, Error(answer));
        Assert.Equal("""{"results":[6.0]}""", await PostOkAsync(_client, "/v1/models/row-sum:regress", """{"examples": [{"x": [1, 2, 3]}]}"""));
    }
}
