using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Maas.Server.Tests.Frontends.TfServing.TfServingHttp;

namespace Maas.Server.Tests.Frontends.TfServing;

public sealed class StatusAndMetadataTests(TfServingFixture server) : IClassFixture<TfServingFixture>
{
    private readonly HttpClient _client = server.Client;

    private const string Available = """{"state":"AVAILABLE","status":{"error_code":"OK","error_message":""}}""";

    [Fact]
    public async Task Status_WithoutVersion_ListsEveryVersionAsTfServingDoes()
    {
        var (status, body) = await GetAsync(_client, "/v1/models/add");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"model_version_status":[{"version":"1",""" + Available[1..] + """,{"version":"2",""" + Available[1..] + "]}", body);
    }

    [Fact]
    public async Task Status_OfOneVersion_ListsThatVersion()
    {
        var (status, body) = await GetAsync(_client, "/v1/models/add/versions/1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"model_version_status":[{"version":"1",""" + Available[1..] + "]}", body);
    }

    [Fact]
    public async Task Status_OfAVersionThatFailedToLoad_SaysEndWithTheReason()
    {
        var (status, body) = await GetAsync(_client, "/v1/models/broken");
        Assert.Equal(HttpStatusCode.OK, status);
        var version = JsonNode.Parse(body)!["model_version_status"]![0]!;
        Assert.Equal("1", version["version"]!.GetValue<string>());
        Assert.Equal("END", version["state"]!.GetValue<string>());
        Assert.Equal("UNKNOWN", version["status"]!["error_code"]!.GetValue<string>());
        Assert.Contains("ONNX Runtime cannot load", version["status"]!["error_message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/models/bad-config")]
    [InlineData("/v1/models/bad-config/metadata")]
    public async Task ModelWithAnInvalidConfig_Answers503WithTheProblem(string path)
    {
        var (status, body) = await GetAsync(_client, path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("'output_labels' must be a list", Error(body));
    }

    [Fact]
    public async Task Metadata_DescribesTheServingDefaultSignatureInTfServingShape()
    {
        var (status, body) = await GetAsync(_client, "/v1/models/add/metadata");
        Assert.Equal(HttpStatusCode.OK, status);
        var json = JsonNode.Parse(body)!;
        Assert.Equal("""{"name":"add","signature_name":"","version":"2"}""", json["model_spec"]!.ToJsonString());
        var signature = json["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!;
        Assert.Equal("tensorflow/serving/predict", signature["method_name"]!.GetValue<string>());
        Assert.Equal(
            """{"dtype":"DT_FLOAT","tensor_shape":{"dim":[{"size":"-1","name":""},{"size":"4","name":""}],"unknown_rank":false},"name":"a"}""",
            signature["inputs"]!["a"]!.ToJsonString());
        Assert.Equal(["a", "b"], signature["inputs"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["sum", "product"], signature["outputs"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Metadata_OfAVersion_DescribesThatVersion()
    {
        var (_, body) = await GetAsync(_client, "/v1/models/add/versions/1/metadata");
        var json = JsonNode.Parse(body)!;
        Assert.Equal("1", json["model_spec"]!["version"]!.GetValue<string>());
        Assert.Equal(["sum"], json["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!["outputs"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Metadata_NamesTfDatatypes()
    {
        var (_, body) = await GetAsync(_client, "/v1/models/identity-bytes/metadata");
        var input = JsonNode.Parse(body)!["metadata"]!["signature_def"]!["signature_def"]!["serving_default"]!["inputs"]!["x"]!;
        Assert.Equal("DT_STRING", input["dtype"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/models/add/labels/beta")]
    [InlineData("/v1/models/add/labels/beta/metadata")]
    public async Task Label_ThatIsNotDefined_Answers404NamingTheLabelsThatExist(string path)
    {
        var (status, body) = await GetAsync(_client, path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Model 'add' has no label 'beta'; its labels are 'stable' (version 1), 'canary' (version 2)", Error(body));
    }

    [Theory]
    [InlineData("stable", "1")]
    [InlineData("canary", "2")]
    public async Task Label_ResolvesToItsVersion_ForStatusMetadataAndPredict(string label, string version)
    {
        var (_, status) = await GetAsync(_client, $"/v1/models/add/labels/{label}");
        var (_, metadata) = await GetAsync(_client, $"/v1/models/add/labels/{label}/metadata");
        var (code, predict) = await PostAsync(_client, $"/v1/models/add/labels/{label}:predict", """{"instances": [{"a": [1, 2, 3, 4], "b": [1, 1, 1, 1]}]}""");

        Assert.Equal(version, JsonNode.Parse(status)!["model_version_status"]![0]!["version"]!.GetValue<string>());
        Assert.Equal(version, JsonNode.Parse(metadata)!["model_spec"]!["version"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, code);
        // Version 1 has one output (a plain list per instance); version 2 has two (an object per instance).
        Assert.Equal(version == "1" ? JsonValueKind.Array : JsonValueKind.Object, JsonDocument.Parse(predict).RootElement.GetProperty("predictions")[0].ValueKind);
    }

    [Theory]
    [InlineData("/v1/models/nope", "Unknown model 'nope'")]
    [InlineData("/v1/models/nope/metadata", "Unknown model 'nope'")]
    [InlineData("/v1/models/add/versions/7", "Model 'add' has no version 7; it has version 1 (ready), version 2 (ready)")]
    [InlineData("/v1/models/add/versions/7/metadata", "has no version 7")]
    [InlineData("/v1/models/add/versions/latest", "versions are positive integers")]
    [InlineData("/v1/models/add:predict", "':predict' is called with POST, not GET")]
    [InlineData("/v1/whatever", "the TensorFlow Serving routes with /v1/models/<name>")]
    public async Task UnknownThings_Answer404WithMessage(string path, string message)
    {
        var (status, body) = await GetAsync(_client, path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(message, Error(body));
    }

    [Theory]
    [InlineData("/v1/models/add", "POST /v1/models/add names no method")]
    [InlineData("/v1/models/add:explain", "Unknown method ':explain'")]
    [InlineData("/v1/models/nope:predict", "Unknown model 'nope'")]
    [InlineData("/v1/models/add/versions/3:predict", "Model 'add' has no version 3")]
    [InlineData("/v1/models/add/labels/beta:predict", "Model 'add' has no label 'beta'")]
    public async Task Post_ToAnUnknownMethodModelVersionOrLabel_Answers404(string path, string message)
    {
        var (status, body) = await PostAsync(_client, path, """{"instances": [[1, 2, 3, 4]]}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(message, Error(body));
    }

    [Fact]
    public async Task BrokenModel_Predict_Answers503WithTheReason()
    {
        var (status, body) = await PostAsync(_client, "/v1/models/broken:predict", """{"instances": [1]}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("ONNX Runtime cannot load", Error(body));
    }
}
