using System.Net;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.KServe;

public sealed class InferJsonTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly HttpClient _client = server.Client;

    private const string AddRequest = """
        {"id": "req-42",
         "inputs": [
           {"name": "a", "shape": [2, 4], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]},
           {"name": "b", "shape": [2, 4], "datatype": "FP32", "data": [[0.5, 0.5, 0.5, 0.5], [10, 20, 30, 40]]}
         ]}
        """;

    [Fact]
    public async Task Infer_FlatAndNestedData_ComputesEveryOutputAndEchoesId()
    {
        using var response = await _client.PostAsync("/v2/models/add/infer", Json(AddRequest));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await ReadJsonAsync(response);
        Assert.Equal("add", json["model_name"]!.GetValue<string>());
        Assert.Equal("2", json["model_version"]!.GetValue<string>());
        Assert.Equal("req-42", json["id"]!.GetValue<string>());
        var outputs = json["outputs"]!.AsArray();
        Assert.Equal(["sum", "product"], outputs.Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f, 15, 26, 37, 48], Floats(outputs[0]!["data"]));
        Assert.Equal([0.5f, 1, 1.5f, 2, 50, 120, 210, 320], Floats(outputs[1]!["data"]));
        Assert.Equal([2L, 4L], outputs[0]!["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal("FP32", outputs[0]!["datatype"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_SpecificVersion_RunsThatVersion()
    {
        using var response = await _client.PostAsync("/v2/models/add/versions/1/infer", Json(AddRequest));
        var json = await ReadJsonAsync(response);
        Assert.Equal("1", json["model_version"]!.GetValue<string>());
        Assert.Equal(["sum"], json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Infer_RequestedOutputs_ReturnsOnlyThoseInRequestedOrder()
    {
        var body = AddRequest.TrimEnd().TrimEnd('}') + """, "outputs": [{"name": "product"}]}""";
        using var response = await _client.PostAsync("/v2/models/add/infer", Json(body));
        var json = await ReadJsonAsync(response);
        Assert.Equal(["product"], json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Infer_DataBeforeShapeAndDatatype_IsParsed()
    {
        const string body = """
            {"inputs": [
              {"data": [1, 2, 3, 4], "name": "a", "datatype": "FP32", "shape": [1, 4]},
              {"data": [1, 1, 1, 1], "shape": [1, 4], "name": "b", "datatype": "FP32"}]}
            """;
        using var response = await _client.PostAsync("/v2/models/add/versions/1/infer", Json(body));
        var json = await ReadJsonAsync(response);
        Assert.Equal([2f, 3, 4, 5], Floats(json["outputs"]![0]!["data"]));
    }

    [Fact]
    public async Task Infer_BytesTensor_RoundTripsStringsWithEscapesAndUnicode()
    {
        const string body = """{"inputs": [{"name": "x", "shape": [3], "datatype": "BYTES", "data": ["plain", "quote \" and \\ slash", "naïve ☃"]}]}""";
        using var response = await _client.PostAsync("/v2/models/identity-bytes/infer", Json(body));
        var json = await ReadJsonAsync(response);
        var output = json["outputs"]![0]!;
        Assert.Equal("BYTES", output["datatype"]!.GetValue<string>());
        Assert.Equal(["plain", "quote \" and \\ slash", "naïve ☃"], output["data"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Infer_BoolTensor_UsesJsonBooleans()
    {
        const string body = """{"inputs": [{"name": "x", "shape": [3], "datatype": "BOOL", "data": [true, false, true]}]}""";
        using var response = await _client.PostAsync("/v2/models/identity-bool/infer", Json(body));
        var json = await ReadJsonAsync(response);
        Assert.Equal([true, false, true], json["outputs"]![0]!["data"]!.AsArray().Select(b => b!.GetValue<bool>()));
    }

    [Fact]
    public async Task Infer_UnknownTopLevelFields_AreIgnored()
    {
        const string body = """{"inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [7], "extra": {"a": [1]}}], "future_field": 1}""";
        using var response = await _client.PostAsync("/v2/models/identity-int32/infer", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
