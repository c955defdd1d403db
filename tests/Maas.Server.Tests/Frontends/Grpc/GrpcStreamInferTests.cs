using Grpc.Core;
using Maas.Grpc.Protocol;
using Maas.Server.Tests.Support;
using static Maas.Server.Tests.Frontends.Grpc.GrpcInferTests;

namespace Maas.Server.Tests.Frontends.Grpc;

public sealed class GrpcStreamInferTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _grpc = server.Grpc;

    [Fact]
    public async Task ModelStreamInfer_AnswersEveryRequestInOrder_AndAFailedOneDoesNotEndTheStream()
    {
        using var call = _grpc.ModelStreamInfer();
        var requests = Enumerable.Range(0, 40).Select(i =>
        {
            var request = AddRequest(raw: i % 2 == 0, id: $"r{i}");
            if (i == 13)
            {
                request.ModelName = "nope";
            }

            return request;
        }).ToList();

        var reading = ReadAllAsync(call.ResponseStream);
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = await reading;

        Assert.Equal(requests.Select(r => r.Id), responses.Select(r => r.InferResponse.Id));
        var failed = Assert.Single(responses, r => r.ErrorMessage.Length > 0);
        Assert.Equal("r13", failed.InferResponse.Id);
        Assert.Contains("Unknown model 'nope'", failed.ErrorMessage);
        Assert.All(responses.Where(r => r != failed), r => Assert.Equal(2, r.InferResponse.Outputs.Count));
        Assert.Equal(2, responses[0].InferResponse.RawOutputContents.Count);
        Assert.Empty(responses[1].InferResponse.RawOutputContents);
    }

    [Fact]
    public async Task ModelStreamInfer_WithNoRequests_EndsCleanly()
    {
        using var call = _grpc.ModelStreamInfer();
        await call.RequestStream.CompleteAsync();

        Assert.Empty(await ReadAllAsync(call.ResponseStream));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    private static async Task<List<ModelStreamInferResponse>> ReadAllAsync(IAsyncStreamReader<ModelStreamInferResponse> stream)
    {
        var responses = new List<ModelStreamInferResponse>();
        await foreach (var response in stream.ReadAllAsync())
        {
            responses.Add(response);
        }

        return responses;
    }
}
