using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Maas.Grpc.Protocol;
using Maas.Server.Tests.Frontends.KServe;
using Maas.Server.Tests.Support;
using Maas.Tensors;
using static Maas.Server.Tests.Support.KServeJson;

namespace Maas.Server.Tests.Frontends.Grpc;

public sealed class GrpcInferTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly float[] A = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly float[] B = [0.5f, -1, 10, 0.25f, 0, 1e-3f, -7, 3];

    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc = server.Grpc;

    [Fact]
    public async Task ModelInfer_WithTypedContents_AnswersTypedContents()
    {
        var response = await _grpc.ModelInferAsync(AddRequest(raw: false, id: "req-7"));

        Assert.Equal("add", response.ModelName);
        Assert.Equal("2", response.ModelVersion);
        Assert.Equal("req-7", response.Id);
        Assert.Empty(response.RawOutputContents);
        var sum = response.Outputs.Single(o => o.Name == "sum");
        Assert.Equal("FP32", sum.Datatype);
        Assert.Equal([2L, 4L], sum.Shape);
        Assert.Equal(A.Zip(B, (a, b) => a + b), sum.Contents.Fp32Contents);
    }

    [Fact]
    public async Task ModelInfer_WithRawContents_AnswersRawContentsInOutputOrder()
    {
        var response = await _grpc.ModelInferAsync(AddRequest(raw: true));

        Assert.Equal(response.Outputs.Count, response.RawOutputContents.Count);
        Assert.All(response.Outputs, o => Assert.Null(o.Contents));
        var index = response.Outputs.ToList().FindIndex(o => o.Name == "product");
        Assert.Equal(A.Zip(B, (a, b) => a * b), Floats(response.RawOutputContents[index]));
    }

    [Fact]
    public async Task ModelInfer_RawTypedAndRest_GiveTheSameBits()
    {
        var image = Enumerable.Range(0, 2 * 28 * 28).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        var typed = new ModelInferRequest { ModelName = "small-cnn" };
        typed.Inputs.Add(Input("input", "FP32", [2, 1, 28, 28], c => c.Fp32Contents.AddRange(image)));
        var raw = new ModelInferRequest { ModelName = "small-cnn" };
        raw.Inputs.Add(Input("input", "FP32", [2, 1, 28, 28]));
        raw.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(image.AsSpan())));

        var fromTyped = (await _grpc.ModelInferAsync(typed)).Outputs[0].Contents.Fp32Contents.ToArray();
        var fromRaw = Floats((await _grpc.ModelInferAsync(raw)).RawOutputContents[0]);
        var restBody = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "input", ["datatype"] = "FP32", ["shape"] = new JsonArray(2, 1, 28, 28), ["data"] = new JsonArray([.. image.Select(v => JsonValue.Create(v))]) }),
        };
        using var restResponse = await server.Client.PostAsync("/v2/models/small-cnn/infer", Json(restBody));
        var fromRest = (await ReadJsonAsync(restResponse))["outputs"]![0]!["data"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();

        Assert.Equal(20, fromRaw.Length);
        Assert.Equal(Bits(fromRest), Bits(fromTyped));
        Assert.Equal(Bits(fromRest), Bits(fromRaw));
    }

    [Fact]
    public async Task ModelInfer_WithRequestedOutputs_ReturnsOnlyThose()
    {
        var request = AddRequest(raw: false);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "product" });

        var response = await _grpc.ModelInferAsync(request);

        Assert.Equal(["product"], response.Outputs.Select(o => o.Name));
    }

    [Theory]
    [MemberData(nameof(DataTypeRoundTripTests.Cases), MemberType = typeof(DataTypeRoundTripTests))]
    public async Task ModelInfer_EveryDatatypeRaw_RoundTripsThroughIdentity(string datatype, string values)
    {
        Assert.True(DataTypes.TryParse(datatype, out var type));
        var expected = DataTypeRoundTripTests.Encode(type, JsonNode.Parse(values)!.AsArray());
        var request = new ModelInferRequest { ModelName = ServerFixture.IdentityModel(type) };
        request.Inputs.Add(Input("x", datatype, [3]));
        request.RawInputContents.Add(ByteString.CopyFrom(expected));

        var response = await _grpc.ModelInferAsync(request);

        Assert.Equal(datatype, response.Outputs[0].Datatype);
        Assert.Equal(expected, response.RawOutputContents[0].ToByteArray());
    }

    [Fact]
    public async Task ModelInfer_TypedIntegersBooleansAndBytes_RoundTripInTheirFields()
    {
        Assert.Equal([-128, 127, 5], (await Identity("INT8", c => c.IntContents.AddRange([-128, 127, 5]))).IntContents);
        Assert.Equal([0u, 65535u, 9u], (await Identity("UINT16", c => c.UintContents.AddRange([0u, 65535u, 9u]))).UintContents);
        Assert.Equal([ulong.MaxValue, 0ul, 1ul], (await Identity("UINT64", c => c.Uint64Contents.AddRange([ulong.MaxValue, 0ul, 1ul]))).Uint64Contents);
        Assert.Equal([true, false, true], (await Identity("BOOL", c => c.BoolContents.AddRange([true, false, true]))).BoolContents);
        Assert.Equal([1e300, -0.5, 0], (await Identity("FP64", c => c.Fp64Contents.AddRange([1e300, -0.5, 0]))).Fp64Contents);
        string[] words = ["héllo", "", "\u0000binary\u00ff"];
        var bytes = await Identity("BYTES", c => c.BytesContents.AddRange(words.Select(ByteString.CopyFromUtf8)));
        Assert.Equal(words, bytes.BytesContents.Select(b => b.ToStringUtf8()));
    }

    [Fact]
    public async Task ModelInfer_WithFp16InTypedContents_SaysToSendItRaw()
    {
        var request = new ModelInferRequest { ModelName = ServerFixture.IdentityModel(DataType.Fp16) };
        request.Inputs.Add(Input("x", "FP16", [3], c => c.Fp32Contents.AddRange([1, 2, 3])));

        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("Input 'x' is FP16, which has no typed contents field; send its data in raw_input_contents (little-endian 2-byte elements).", error.Status.Detail);
    }

    [Fact]
    public async Task ModelInfer_WithPriorityAsUint64_IsAcceptedAsTritonClientsSendIt()
    {
        var request = AddRequest(raw: true);
        request.Parameters["priority"] = new InferParameter { Uint64Param = 1 };

        var response = await _grpc.ModelInferAsync(request);

        Assert.Equal(2, response.Outputs.Count);
    }

    private async Task<InferTensorContents> Identity(string datatype, Action<InferTensorContents> fill)
    {
        Assert.True(DataTypes.TryParse(datatype, out var type));
        var request = new ModelInferRequest { ModelName = ServerFixture.IdentityModel(type) };
        request.Inputs.Add(Input("x", datatype, [3], fill));
        var response = await _grpc.ModelInferAsync(request);
        Assert.Empty(response.RawOutputContents);
        return response.Outputs[0].Contents;
    }

    internal static ModelInferRequest AddRequest(bool raw, string id = "")
    {
        var request = new ModelInferRequest { ModelName = "add", Id = id };
        if (raw)
        {
            request.Inputs.Add(Input("a", "FP32", [2, 4]));
            request.Inputs.Add(Input("b", "FP32", [2, 4]));
            request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(A.AsSpan())));
            request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(B.AsSpan())));
        }
        else
        {
            request.Inputs.Add(Input("a", "FP32", [2, 4], c => c.Fp32Contents.AddRange(A)));
            request.Inputs.Add(Input("b", "FP32", [2, 4], c => c.Fp32Contents.AddRange(B)));
        }

        return request;
    }

    internal static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, long[] shape, Action<InferTensorContents>? fill = null)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.AddRange(shape);
        if (fill is not null)
        {
            input.Contents = new InferTensorContents();
            fill(input.Contents);
        }

        return input;
    }

    private static float[] Floats(ByteString raw) => MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
