using Maas.Client.Grpc;
using Maas.Client.Tests.Support;

namespace Maas.Client.Tests;

public sealed class StreamInferTests(ClientServerFixture server) : IClassFixture<ClientServerFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StreamInferAsync_AnswersEveryRequestInOrder_AndAFailedOneDoesNotEndTheStream(bool typed)
    {
        using var client = new KServeGrpcClient(server.GrpcAddress) { UseTypedContents = typed };

        var answers = new List<StreamInferResult>();
        await foreach (var answer in client.StreamInferAsync(Requests(20, badAt: 7)))
        {
            answers.Add(answer);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"r{i}"), answers.Select(a => a.Id));
        var failed = Assert.Single(answers, a => a.Error is not null);
        Assert.Equal("r7", failed.Id);
        Assert.Contains("Unknown model 'nope'", failed.Error);
        Assert.All(answers.Where(a => a != failed), a => Assert.Equal([11f, 22f, 33f, 44f, 5.5f, 6.5f, 7.5f, 8.5f], a.Result!.Output("sum").ToArray<float>()));
    }

    [Fact]
    public async Task StreamInferAsync_WithNoRequests_YieldsNothing()
    {
        using var client = new KServeGrpcClient(server.GrpcAddress);

        var answers = new List<StreamInferResult>();
        await foreach (var answer in client.StreamInferAsync(Requests(0, badAt: -1)))
        {
            answers.Add(answer);
        }

        Assert.Empty(answers);
    }

    private static async IAsyncEnumerable<InferRequest> Requests(int count, int badAt)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            var request = InferTests.AddRequest(version: null, model: i == badAt ? "nope" : "add");
            request.Id = $"r{i}";
            yield return request;
        }
    }
}
