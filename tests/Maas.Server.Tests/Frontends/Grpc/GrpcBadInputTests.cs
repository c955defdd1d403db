using Google.Protobuf;
using Grpc.Core;
using Maas.Grpc.Protocol;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Frontends.Grpc.GrpcInferTests;

namespace Maas.Server.Tests.Frontends.Grpc;

/// <summary>Every bad request gets a precise status and message, and the next request is served.</summary>
public sealed class GrpcBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc = server.Grpc;

    public static TheoryData<string, string> BadRequests => new()
    {
        { "unknown model", "Unknown model 'nope'" },
        { "unknown version", "Model 'add' has no version 9" },
        { "raw too short", "raw_input_contents for input 'a' is 28 bytes, but FP32 [2,4] needs 32 (8 elements of 4 bytes)." },
        { "raw count", "raw_input_contents has 1 entries for 2 inputs; when raw contents are used, send one entry per input, in the order of 'inputs'." },
        { "wrong field", "Input 'a' is FP32, so its data belongs in contents.fp32_contents, but it came in contents.int_contents." },
        { "too few elements", "Input 'a' has 7 elements in contents.fp32_contents, but its shape needs 8." },
        { "int8 range", "Input 'x' is INT8 but holds 300, outside -128..127." },
        { "both ways", "Input 'a' has both contents and raw_input_contents; send its data one way." },
        { "no data", "Input 'a' has no data: fill contents.fp32_contents or send raw_input_contents for every input." },
        { "bad datatype", "Input 'a' has datatype 'FLOAT32'; it must be one of" },
        { "bad bytes", "raw_input_contents for BYTES input 'x' is malformed at byte 0" },
        { "bad priority", "Parameter 'priority' is" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task ModelInfer_WithABadRequest_IsRejectedWithAPreciseMessage_AndTheServerKeepsServing(string name, string message)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _grpc.ModelInferAsync(Build(name)).ResponseAsync);

        Assert.Equal(name.StartsWith("unknown", StringComparison.Ordinal) ? StatusCode.NotFound : StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await _grpc.ModelInferAsync(AddRequest(raw: true))).Outputs.Count);
    }

    [Fact]
    public async Task ModelInfer_WithBytesThatAreNotProtobuf_IsInvalidArgument_AndTheServerKeepsServing()
    {
        var garbage = new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var invoker = server.GrpcChannel.CreateCallInvoker();

        // 0x0A says "field 1, length-delimited", then claims 200 bytes that never come.
        var error = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(garbage, null, default, [0x0A, 200, 1, 2, 3]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("not a valid ModelInferRequest protobuf message", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await _grpc.ModelInferAsync(AddRequest(raw: true))).Outputs.Count);
    }

    private static ModelInferRequest Build(string name)
    {
        var request = AddRequest(raw: name is "raw too short" or "raw count" or "both ways" or "bad priority");
        switch (name)
        {
            case "unknown model":
                request.ModelName = "nope";
                break;
            case "unknown version":
                request.ModelVersion = "9";
                break;
            case "raw too short":
                request.RawInputContents[0] = ByteString.CopyFrom(new byte[28]);
                break;
            case "raw count":
                request.RawInputContents.RemoveAt(1);
                break;
            case "wrong field":
                request.Inputs[0].Contents = new InferTensorContents();
                request.Inputs[0].Contents.IntContents.AddRange([1, 2, 3, 4, 5, 6, 7, 8]);
                break;
            case "too few elements":
                request.Inputs[0].Contents.Fp32Contents.RemoveAt(0);
                break;
            case "int8 range":
                request = new ModelInferRequest { ModelName = "identity-int8" };
                request.Inputs.Add(Input("x", "INT8", [2], c => c.IntContents.AddRange([1, 300])));
                break;
            case "both ways":
                request.Inputs[0].Contents = new InferTensorContents();
                request.Inputs[0].Contents.Fp32Contents.Add(1);
                break;
            case "no data":
                request.Inputs[0].Contents = null;
                break;
            case "bad datatype":
                request.Inputs[0].Datatype = "FLOAT32";
                break;
            case "bad bytes":
                request = new ModelInferRequest { ModelName = "identity-bytes" };
                request.Inputs.Add(Input("x", "BYTES", [1]));
                request.RawInputContents.Add(ByteString.CopyFrom([9, 0, 0, 0, 1]));
                break;
            case "bad priority":
                request.Parameters["priority"] = new InferParameter { Int64Param = 99 };
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }

        return request;
    }
}
