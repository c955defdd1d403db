using System.Text;
using static Maas.Server.Tests.Frontends.TfServing.TfServingHttp;

namespace Maas.Server.Tests.Frontends.TfServing;

/// <summary>Predict answers, compared as text: the exact shape a TF Serving client parses.</summary>
public sealed class PredictTests(TfServingFixture server) : IClassFixture<TfServingFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Row_SingleInputSingleOutput_AnswersOnePredictionPerInstance()
    {
        var body = await PostOkAsync(_client, "/v1/models/identity-fp32:predict", """{"instances": [1.5, 2, -3.25]}""");
        Assert.Equal("""{"predictions":[1.5,2.0,-3.25]}""", body);
    }

    [Fact]
    public async Task Row_NamedInputsSingleOutput_AnswersTheOutputRowPerInstance()
    {
        const string request = """
            {"instances": [
              {"a": [1, 2, 3, 4], "b": [0.5, 0.5, 0.5, 0.5]},
              {"b": [10, 20, 30, 40], "a": [5, 6, 7, 8]}]}
            """;
        var body = await PostOkAsync(_client, "/v1/models/add/versions/1:predict", request);
        Assert.Equal("""{"predictions":[[1.5,2.5,3.5,4.5],[15.0,26.0,37.0,48.0]]}""", body);
    }

    [Fact]
    public async Task Row_SeveralOutputs_AnswersAnObjectPerInstanceInModelOrder()
    {
        const string request = """{"instances": [{"a": [1, 2, 3, 4], "b": [2, 2, 2, 2]}, {"a": [0, 1, 0, 1], "b": [3, 3, 3, 3]}]}""";
        var body = await PostOkAsync(_client, "/v1/models/add:predict", request);
        Assert.Equal(
            """{"predictions":[{"sum":[3.0,4.0,5.0,6.0],"product":[2.0,4.0,6.0,8.0]},{"sum":[3.0,4.0,3.0,4.0],"product":[0.0,3.0,0.0,3.0]}]}""",
            body);
    }

    [Fact]
    public async Task Columnar_SingleInputSingleOutput_AnswersTheTensor()
    {
        var body = await PostOkAsync(_client, "/v1/models/identity-fp32:predict", """{"inputs": [1, 2.5]}""");
        Assert.Equal("""{"outputs":[1.0,2.5]}""", body);
    }

    [Fact]
    public async Task Columnar_NamedInputsSingleOutput_AnswersTheTensorUnnamed()
    {
        var body = await PostOkAsync(_client, "/v1/models/add/versions/1:predict", """{"inputs": {"a": [[1, 2, 3, 4]], "b": [[1, 1, 1, 1]]}}""");
        Assert.Equal("""{"outputs":[[2.0,3.0,4.0,5.0]]}""", body);
    }

    [Fact]
    public async Task Columnar_SeveralOutputs_AnswersAnObjectKeyedByOutputName()
    {
        var body = await PostOkAsync(_client, "/v1/models/add:predict", """{"inputs": {"a": [[1, 2, 3, 4], [5, 6, 7, 8]], "b": [[2, 2, 2, 2], [1, 1, 1, 1]]}}""");
        Assert.Equal("""{"outputs":{"sum":[[3.0,4.0,5.0,6.0],[6.0,7.0,8.0,9.0]],"product":[[2.0,4.0,6.0,8.0],[5.0,6.0,7.0,8.0]]}}""", body);
    }

    [Fact]
    public async Task Columnar_ScalarOutput_AnswersAScalar()
    {
        var body = await PostOkAsync(_client, "/v1/models/sum-all:predict", """{"inputs": [1, 2, 3.5]}""");
        Assert.Equal("""{"outputs":6.5}""", body);
    }

    [Fact]
    public async Task Columnar_ScalarInput_IsAccepted()
    {
        var body = await PostOkAsync(_client, "/v1/models/scalar:predict", """{"inputs": 4}""");
        Assert.Equal("""{"outputs":4.0}""", body);
    }

    [Fact]
    public async Task Row_FixedFirstDimension_TakesThatManyInstances()
    {
        var body = await PostOkAsync(_client, "/v1/models/fixed:predict", """{"instances": [[1, 2, 3]]}""");
        Assert.Equal("""{"predictions":[[1.0,2.0,3.0]]}""", body);
    }

    [Fact]
    public async Task SignatureName_ServingDefaultOrEmpty_IsAccepted_AndUnknownFieldsAreIgnored()
    {
        Assert.Equal("""{"predictions":[1.0]}""", await PostOkAsync(_client, "/v1/models/identity-fp32:predict", """{"signature_name": "serving_default", "instances": [1]}"""));
        Assert.Equal("""{"predictions":[1.0]}""", await PostOkAsync(_client, "/v1/models/identity-fp32:predict", """{"signature_name": "", "future": {"x": [1]}, "instances": [1]}"""));
    }

    [Fact]
    public async Task Bytes_Base64AndText_RoundTrip_BinaryOutputAsBase64()
    {
        var binary = Convert.ToBase64String([0xFF, 0x00, 0x62, 0x69, 0x6E]);
        var request = $$"""{"instances": [{"b64": "{{binary}}"}, "plain", "quote \" and \\ slash", "naïve ☃", "NaN"]}""";
        var body = await PostOkAsync(_client, $"/v1/models/{TfServingFixture.IdentityModel(Tensors.DataType.Bytes)}:predict", request);
        Assert.Equal($$"""{"predictions":[{"b64":"{{binary}}"},"plain","quote \" and \\ slash","naïve ☃","NaN"]}""", body);
    }

    [Fact]
    public async Task Bytes_OutputNamedWithBytesSuffix_IsAlwaysBase64()
    {
        var hello = Convert.ToBase64String(Encoding.UTF8.GetBytes("hello"));
        var body = await PostOkAsync(_client, "/v1/models/binary-names:predict", $$"""{"inputs": [{"b64": "{{hello}}"}, "text"]}""");
        Assert.Equal($$"""{"outputs":[{"b64":"{{hello}}"},{"b64":"{{Convert.ToBase64String("text"u8.ToArray())}}"}]}""", body);
    }

    [Fact]
    public async Task NonFinite_LiteralsAsPythonWritesThem_RoundTripAsLiterals()
    {
        var body = await PostOkAsync(_client, "/v1/models/identity-fp32:predict", """{"instances": [NaN, Infinity, -Infinity, "NaN", 1]}""");
        Assert.Equal("""{"predictions":[NaN,Infinity,-Infinity,NaN,1.0]}""", body);
    }

    [Theory]
    [InlineData("fp64", "[0.1, -2.5, 1E+300, 9007199254740992]", "[0.1,-2.5,1E+300,9007199254740992.0]")]
    [InlineData("fp16", "[0.5, -2, 65504]", "[0.5,-2.0,65504.0]")]
    [InlineData("bf16", "[1.5, -2, 256]", "[1.5,-2.0,256.0]")]
    [InlineData("fp32", "[16777216, 1e-5, 3.4028235E+38]", "[16777216.0,1E-05,3.4028235E+38]")]
    [InlineData("int32", "[-2147483648, 2147483647, 0]", "[-2147483648,2147483647,0]")]
    [InlineData("int64", "[-9223372036854775808, 9223372036854775807]", "[-9223372036854775808,9223372036854775807]")]
    [InlineData("uint8", "[0, 255]", "[0,255]")]
    [InlineData("bool", "[true, false]", "[true,false]")]
    public async Task Datatypes_TakeTheModelsTypeAndAnswerInTfServingsNotation(string type, string values, string expected)
    {
        var body = await PostOkAsync(_client, $"/v1/models/identity-{type}:predict", $$"""{"instances": {{values}}}""");
        Assert.Equal($$"""{"predictions":{{expected}}}""", body);
    }

    [Fact]
    public async Task RowAndColumnar_GiveTheSameNumbers()
    {
        var image = string.Join(", ", Enumerable.Range(0, 784).Select(i => ((i % 17) / 16.0).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var row = System.Text.Json.Nodes.JsonNode.Parse(await PostOkAsync(_client, "/v1/models/small-cnn:predict", $$"""{"instances": [[[{{Rows(image)}}]]]}"""))!;
        var columnar = System.Text.Json.Nodes.JsonNode.Parse(await PostOkAsync(_client, "/v1/models/small-cnn:predict", $$"""{"inputs": [[[{{Rows(image)}}]]]}"""))!;
        Assert.Equal(Floats(columnar["outputs"]), Floats(row["predictions"]));
        Assert.Equal(10, Floats(row["predictions"]).Length);
    }

    /// <summary>784 comma-separated values as 28 bracketed rows.</summary>
    internal static string Rows(string values)
    {
        var items = values.Split(", ");
        return string.Join(", ", Enumerable.Range(0, 28).Select(r => "[" + string.Join(", ", items.Skip(r * 28).Take(28)) + "]"));
    }
}
