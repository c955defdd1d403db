using Maas.Benchmarks.Payloads;
using Maas.Client;
using Maas.Client.Grpc;

namespace Maas.Benchmarks.EndToEnd;

/// <summary>
/// One KServe v2 gRPC call through Maas.Client's <see cref="KServeGrpcClient"/> over one HTTP/2
/// connection: <c>ModelInfer</c> with raw contents (the request built once), or <c>ServerLive</c>
/// for the gRPC floor. The client's own cost is part of the figure, as it is for any user.
/// </summary>
internal sealed class GrpcTarget : ITarget, IDisposable
{
    private readonly KServeGrpcClient _client;
    private readonly InferRequest? _request;

    public GrpcTarget(string name, Uri address, ModelPayload? payload)
    {
        Name = name;
        _client = new KServeGrpcClient(address);
        if (payload is not null)
        {
            _request = new InferRequest(payload.Model);
            foreach (var input in payload.Inputs)
            {
                _request.Inputs.Add(new InferTensor(input.Name, input.DataType, input.Shape, input.Bytes));
            }
        }
    }

    public string Name { get; }

    public bool OnEngineCpu => false;

    public void Invoke()
    {
        if (_request is null)
        {
            _client.IsServerLiveAsync().GetAwaiter().GetResult();
        }
        else
        {
            _client.InferAsync(_request).GetAwaiter().GetResult();
        }
    }

    /// <summary>Throws unless the FP32 outputs match <paramref name="expected"/> (same order); returns the largest difference.</summary>
    public float Verify(IReadOnlyList<float[]> expected)
    {
        var result = _client.InferAsync(_request ?? throw new InvalidOperationException($"{Name} runs no model.")).GetAwaiter().GetResult();
        if (result.Outputs.Count != expected.Count)
        {
            throw new InvalidOperationException($"{Name}: {result.Outputs.Count} outputs, expected {expected.Count}.");
        }

        var worst = 0f;
        for (var i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, OutputCheck.Compare(Name, result.Outputs[i].Name, expected[i], result.Outputs[i].ToArray<float>()));
        }

        return worst;
    }

    public void Dispose() => _client.Dispose();
}
