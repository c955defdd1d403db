using System.Net;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

public sealed class HealthAndMetadataTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Live_Answers200()
    {
        using var response = await _client.GetAsync("/v2/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_WhenAModelFailedAndReadinessIsStrict_AnswersNotReady()
    {
        // The fixture's repository holds a corrupt model and a bad config: strict readiness (the default) says no.
        using var response = await _client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ServerMetadata_NamesServerAndBinaryExtension()
    {
        using var response = await _client.GetAsync("/v2");
        var json = await ReadJsonAsync(response);
        Assert.Equal("maas", json["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(json["version"]!.GetValue<string>()));
        Assert.Contains("binary_tensor_data", json["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task ModelMetadata_DefaultVersion_DescribesHighestVersionWithDynamicDims()
    {
        using var response = await _client.GetAsync("/v2/models/add");
        var json = await ReadJsonAsync(response);
        Assert.Equal("add", json["name"]!.GetValue<string>());
        Assert.Equal(["1", "2"], json["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("onnxruntime_onnx", json["platform"]!.GetValue<string>());
        Assert.Equal(["sum", "product"], json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        var a = json["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "a")!;
        Assert.Equal("FP32", a["datatype"]!.GetValue<string>());
        Assert.Equal([-1L, 4L], a["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
    }

    [Fact]
    public async Task ModelMetadata_SpecificVersion_DescribesThatVersion()
    {
        using var response = await _client.GetAsync("/v2/models/add/versions/1");
        var json = await ReadJsonAsync(response);
        Assert.Equal(["sum"], json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/v2/models/add/ready", HttpStatusCode.OK)]
    [InlineData("/v2/models/add/versions/1/ready", HttpStatusCode.OK)]
    [InlineData("/v2/models/broken/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/bad-config/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/nope/ready", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/add/versions/9/ready", HttpStatusCode.NotFound)]
    public async Task ModelReady_AnswersByState(string path, HttpStatusCode expected)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task CorruptModel_IsReportedWithReason_AndOthersServe()
    {
        using var broken = await _client.GetAsync("/v2/models/broken");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.Contains("ONNX Runtime cannot load", await ReadErrorAsync(broken));

        using var fine = await _client.GetAsync("/v2/models/small-cnn");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task BadConfig_IsReportedWithEveryProblem()
    {
        using var response = await _client.GetAsync("/v2/models/bad-config");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Contains("intra_op_threads", error);
        Assert.Contains("colour", error);
    }

    [Theory]
    [InlineData("/v2/models/nope", "Unknown model 'nope'")]
    [InlineData("/v2/models/add/versions/7", "has no version 7")]
    [InlineData("/v2/models/add/versions/latest", "versions are positive integers")]
    [InlineData("/v3/whatever", "No route")]
    public async Task UnknownThings_Answer404WithMessage(string path, string message)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
    }
}
