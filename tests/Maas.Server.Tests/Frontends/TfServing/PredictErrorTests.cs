using System.Net;
using static Maas.Server.Tests.Frontends.TfServing.TfServingHttp;

namespace Maas.Server.Tests.Frontends.TfServing;

/// <summary>
/// Every malformed predict answers 400 <c>{"error": ...}</c> naming the tensor, what was expected
/// and what came, and the next request is served as if nothing happened.
/// </summary>
public sealed class PredictErrorTests(TfServingFixture server) : IClassFixture<TfServingFixture>
{
    private readonly HttpClient _client = server.Client;

    private const string A = "\"a\": [1, 2, 3, 4]", B = "\"b\": [1, 1, 1, 1]", AB = "{" + A + ", " + B + "}";

    public static TheoryData<string, string, string> Cases => new()
    {
        // Envelope
        { "add", "", "The request body is empty" },
        { "add", """{"instances": [""", "not valid JSON" },
        { "add", "[1, 2]", "must be a JSON object" },
        { "add", """{"instances": [1]} {}""", "content after its closing brace" },
        { "add", $$"""{"instances": [{{AB}}], "inputs": {{AB}}}""", "both 'instances' and 'inputs'; send one" },
        { "add", """{"signature_name": "serving_default"}""", "neither 'instances' nor 'inputs'; send" },
        { "add", $$"""{"signature_name": "predict", "instances": [{{AB}}]}""", "signature_name is 'predict', but model 'add' has one signature, 'serving_default'" },
        { "add", $$"""{"signature_name": 7, "instances": [{{AB}}]}""", "'signature_name' must be a string" },
        { "add", $$"""{"instances": [{{AB}}], "instances": []}""", "'instances' appears twice" },
        { "add", """{"instances": ["a\udfff"]}""", "unpaired UTF-16 surrogate (\\udfff at byte 17)" },
        // Row format
        { "add", """{"instances": {"a": 1}}""", "'instances' must be a list" },
        { "add", """{"instances": []}""", "'instances' is empty" },
        { "add", """{"instances": [[1, 2, 3, 4]]}""", "'instances' holds plain values, but model 'add' has 2 inputs ('a' (DT_FLOAT [-1,4]), 'b' (DT_FLOAT [-1,4])); send each instance as an object keyed by input name" },
        { "add", $$"""{"instances": [{{AB}}, [1, 2, 3, 4]]}""", "Instance 1 is not an object, but instance 0 is an object keyed by input name" },
        { "identity-fp32", """{"instances": [1, {"x": 2}]}""", "Instance 1 is an object keyed by input names, but instance 0 is a plain value" },
        { "add", $$"""{"instances": [{{AB}}, {"a": [1, 2, 3], {{B}}}]}""", "Instance values differ in shape: input 'a' is [4] in the first instance that has it but [3] in instance 1" },
        { "add", $$"""{"instances": [{"a": [[1, 2], [3]], {{B}}}]}""", "The value of input 'a' of instance 0 is not a dense tensor: it has a list at nesting level 2 with 1 items, where the first list at that level has 2" },
        { "add", $$"""{"instances": [{"a": [[1, 2], 3], {{B}}}]}""", "is not a dense tensor: it has a value at nesting level 1, where the first values sit at level 2" },
        { "add", $$"""{"instances": [{{{A}}, {{B}}, "c": [1]}]}""", "Instance 0 names 'c', which is not an input of model 'add'; its inputs are 'a' (DT_FLOAT [-1,4]), 'b' (DT_FLOAT [-1,4])" },
        { "add", $$"""{"instances": [{{{A}}, {{A}}, {{B}}}]}""", "Instance 0 names input 'a' twice" },
        { "add", $$"""{"instances": [{{{A}}}]}""", "Instance 0 lacks input 'b' (DT_FLOAT, shape [-1,4])" },
        { "add", $$"""{"instances": [{"a": [[1, 2, 3, 4]], {{B}}}]}""", "Input 'a' of model 'add' takes each instance shaped [4]: the model's shape [-1,4] without its first, batch dimension (-1 = any size). The instances' values are shaped [1,4]" },
        { "add", $$"""{"instances": [{"a": [1, 2, 3], "b": [1, 2, 3]}]}""", "takes each instance shaped [4]" },
        { "scalar", """{"instances": [1, 2]}""", "Input 'x' of model 'scalar' is a scalar (shape []): it has no batch dimension, so it cannot take one value per instance. Send the request in the columnar format" },
        { "fixed", """{"instances": [[1, 2, 3], [4, 5, 6]]}""", "Input 'x' of model 'fixed' has a fixed first dimension of 1 (shape [1,3]), and the number of instances becomes that dimension: send exactly 1 instance(s) per request (2 came)" },
        { "sum-all", """{"instances": [1, 2]}""", "Output 'y' of model 'sum-all' is a scalar (shape []), so it cannot be split into one prediction per instance; send the request in the columnar format" },
        // Columnar format
        { "add", """{"inputs": [[1, 2, 3, 4]]}""", "'inputs' is a plain value, but model 'add' has 2 inputs" },
        { "add", """{"inputs": {"a": [[1, 2, 3, 4]]}}""", "'inputs' lacks input 'b' (DT_FLOAT, shape [-1,4])" },
        { "add", """{"inputs": {"a": [[1, 2, 3, 4]], "b": [[1, 2, 3, 4]], "bias": [1]}}""", "'inputs' names 'bias', which is not an input of model 'add'" },
        { "add", """{"inputs": {"a": [1, 2, 3, 4], "b": [1, 2, 3, 4]}}""", "Input 'a' of model 'add' has shape [4] (rank 1), but the model expects rank 2" },
        // Values
        { "identity-fp32", """{"instances": [1, "two"]}""", "Element 0 of input 'x' of instance 1 is a string, but the model's input is DT_FLOAT (FP32), which takes JSON numbers" },
        { "identity-fp32", """{"inputs": [1, {"b64": "AAAA"}]}""", "Element 1 of input 'x' is an object, but the model's input is DT_FLOAT (FP32)" },
        { "identity-fp32", """{"instances": [null]}""", "Element 0 of input 'x' of instance 0 is null" },
        { "identity-fp32", """{"instances": [16777217]}""", "is 16777217, an integer that DT_FLOAT cannot hold exactly (it would become 16777216)" },
        { "identity-fp32", """{"instances": [1e39]}""", "is 1e39, which is not a DT_FLOAT value (a number within ±3.4028235E+38)" },
        { "identity-fp16", """{"instances": [70000]}""", "which is not a DT_HALF value (a number within ±65504)" },
        { "identity-int32", """{"instances": [1.5]}""", "is 1.5, which is not a DT_INT32 value (an integer from -2147483648 to 2147483647)" },
        { "identity-uint8", """{"instances": [256]}""", "is 256, which is not a DT_UINT8 value (an integer from 0 to 255)" },
        { "identity-int64", """{"instances": [true]}""", "is true, but the model's input is DT_INT64 (INT64), which takes JSON integers" },
        { "identity-bool", """{"instances": [1]}""", "is 1, but the model's input is DT_BOOL, which takes true or false" },
        { "identity-bytes", """{"instances": [{"b64": "not base64!"}]}""", "Element 0 of input 'x' of instance 0 has a \"b64\" value that is not valid base64" },
        { "identity-bytes", """{"instances": [7]}""", "Element 0 of input 'x' of instance 0 is the number 7, but the model's input is DT_STRING (BYTES), which takes strings, or {\"b64\": \"<base64>\"}" },
        { "identity-bytes", """{"instances": [{"b64": "AA==", "x": 1}]}""", "Instance 0 names 'b64', which is not an input of model 'identity-bytes'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadPredict_Answers400WithMessage_AndServerKeepsServing(string model, string body, string message)
    {
        var (status, answer) = await PostAsync(_client, $"/v1/models/{model}:predict", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, Error(answer));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task DeepNesting_Answers400()
    {
        var deep = new string('[', 100) + "1" + new string(']', 100);
        var (status, answer) = await PostAsync(_client, "/v1/models/identity-fp32:predict", $$"""{"inputs": {{deep}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not valid JSON", Error(answer));
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        var body = await PostOkAsync(_client, "/v1/models/add/versions/1:predict", $$"""{"instances": [{{AB}}]}""");
        Assert.Equal("""{"predictions":[[2.0,3.0,4.0,5.0]]}""", body);
    }
}
