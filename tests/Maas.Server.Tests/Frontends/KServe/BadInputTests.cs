using System.Net;
using System.Text;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

/// <summary>
/// Every malformed request gets a 4xx whose message says what was wrong, and the next good
/// request is served as if nothing happened.
/// </summary>
public sealed class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private const string GoodAdd = """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""";

    public static TheoryData<string, string, string> JsonCases => new()
    {
        { "add", """{"inputs": [""", "not valid JSON" },
        { "add", "[1, 2]", "must be a JSON object" },
        { "add", """{"inputs": []} trailing""", "content after its closing brace" },
        { "add", """{"id": "x"}""", "no 'inputs' array" },
        { "add", """{"inputs": {"name": "a"}}""", "'inputs' must be an array" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [2], "datatype": "INT32", "data": [1, 2]}]}""", "has datatype INT32, but the model expects FP32" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP8", "data": [1, 2]}]}""", "must be one of BOOL" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [2], "data": [1, 2]}]}""", "lacks 'datatype'" },
        { "identity-fp32", """{"inputs": [{"name": "x", "datatype": "FP32", "data": [1, 2]}]}""", "lacks 'shape'" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32"}]}""", "has no 'data'" },
        { "add", """{"inputs": [{"name": "a", "shape": [8], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""", "has shape [8] (rank 1), but the model expects rank 2: [-1,4]" },
        { "add", """{"inputs": [{"name": "a", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""", "dimension 1 must be 4" },
        { "add", """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""", "Input 'a' has 3 elements in 'data', but its shape needs 4" },
        { "add", """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5]}, {"name": "b", "shape": [1, 4], "datatype": "FP32", "data": [1, 1, 1, 1]}]}""", "more elements in 'data' than its shape allows (4)" },
        { "add", """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "requires input 'b' (FP32 [-1,4])" },
        { "add", """{"inputs": [{"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}, {"name": "a", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}""", "appears more than once" },
        { "add", """{"inputs": [{"name": "c", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "Input 'c' is not an input of model 'add'; its inputs are 'a' (FP32 [-1,4]), 'b' (FP32 [-1,4])" },
        { "add", GoodAdd.TrimEnd('}') + """, "outputs": [{"name": "ratio"}]}""", "Output 'ratio' is not an output of model 'add'" },
        { "identity-uint8", """{"inputs": [{"name": "x", "shape": [2], "datatype": "UINT8", "data": [1, 300]}]}""", "element 1 is 300, which is not a valid UINT8" },
        { "identity-int32", """{"inputs": [{"name": "x", "shape": [2], "datatype": "INT32", "data": [1, 2.5]}]}""", "element 1 is 2.5, which is not a valid INT32" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "data": [1, "two"]}]}""", "has a string in 'data' at element 1" },
        { "identity-bytes", """{"inputs": [{"name": "x", "shape": [2], "datatype": "BYTES", "data": ["a", 2]}]}""", "BYTES elements are JSON strings" },
        { "identity-bytes", """{"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["a\ud800b"]}]}""", "unpaired UTF-16 surrogate (\\ud800 at byte 72)" },
        { "identity-bytes", """{"id": "\udc00", "inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["a"]}]}""", "unpaired UTF-16 surrogate (\\udc00 at byte 8)" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [4000000000], "datatype": "FP32", "data": [1]}]}""", "declares 4000000000 elements, but the JSON body is only" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [9223372036854775807, 4], "datatype": "FP32", "data": [1]}]}""", "element count overflows" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [-1], "datatype": "FP32", "data": [1]}]}""", "dimensions must be non-negative integers" },
        { "identity-fp32", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [""" + new string('[', 100) + "1" + new string(']', 100) + "]}]}", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task BadJsonRequest_Answers400WithMessage_AndServerKeepsServing(string model, string body, string message)
    {
        using var response = await _client.PostAsync($"/v2/models/{model}/infer", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task EmptyBody_Answers400()
    {
        using var response = await _client.PostAsync("/v2/models/add/infer", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("body is empty", await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", "Unknown model 'nope'")]
    [InlineData("/v2/models/add/versions/3/infer", "Model 'add' has no version 3; it has version 1 (ready), version 2 (ready)")]
    public async Task UnknownModelOrVersion_Answers404(string path, string message)
    {
        using var response = await _client.PostAsync(path, Json(GoodAdd));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task UnavailableModel_Answers503WithReason()
    {
        using var response = await _client.PostAsync("/v2/models/broken/infer", Json(GoodAdd));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("ONNX Runtime cannot load", await ReadErrorAsync(response));
    }

    [Theory]
    [InlineData(20, 16, "declares binary_data_size 20, but only 16 bytes of binary data remain")]
    [InlineData(8, 16, "8 bytes of binary data after the JSON header that no input claims")]
    public async Task BinarySizesThatDisagreeWithTheBody_Answer400(int declared, int sent, string message)
    {
        var header = $$$"""{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": {{{declared}}}}}]}""";
        using var response = await _client.PostAsync("/v2/models/identity-fp32/infer", Binary(header, new byte[sent]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task BinaryDataThatDisagreesWithShape_Answers400()
    {
        const string header = """{"inputs": [{"name": "x", "shape": [1000000000000], "datatype": "FP32", "parameters": {"binary_data_size": 8}}]}""";
        using var response = await _client.PostAsync("/v2/models/identity-fp32/infer", Binary(header, new byte[8]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("which needs 1000000000000 FP32 elements (4000000000000 bytes), but 8 bytes of data came", await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("100000", "Inference-Header-Content-Length is 100000, but the body is only")]
    [InlineData("ten", "must be the byte length of the JSON part")]
    public async Task BadHeaderLength_Answers400(string headerValue, string message)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(GoodAdd));
        content.Headers.Add("Inference-Header-Content-Length", headerValue);
        using var response = await _client.PostAsync("/v2/models/add/infer", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await ReadErrorAsync(response));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task BinaryDataWithoutHeaderLength_IsRejectedAsTrailingContent()
    {
        var body = Encoding.UTF8.GetBytes(GoodAdd).Concat(new byte[] { 0, 1, 2, 3 }).ToArray();
        using var response = await _client.PostAsync("/v2/models/add/infer", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Inference-Header-Content-Length", await ReadErrorAsync(response));
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await _client.PostAsync("/v2/models/add/versions/1/infer", Json(GoodAdd));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await ReadJsonAsync(response);
        Assert.Equal([2f, 3, 4, 5], Floats(json["outputs"]![0]!["data"]));
    }
}
