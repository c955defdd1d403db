using BenchmarkDotNet.Attributes;
using Maas.Benchmarks.Payloads;
using Maas.Inference;
using Maas.Server.Frontends.KServe;
using Maas.Tensors;
using Microsoft.AspNetCore.Http;

namespace Maas.Benchmarks.Micro;

/// <summary>
/// <see cref="KServeInferResponseWriter"/> writing the same outputs as JSON and as binary tensor
/// data, into a response whose body discards the bytes (so only serialization is timed).
/// </summary>
[MemoryDiagnoser]
public class WriteBenchmarks : IDisposable
{
    private readonly DefaultHttpContext _context = new();
    private InferenceResponse _response = new("m", "1");
    private readonly InferenceRequest _jsonRequest = new("m");
    private readonly InferenceRequest _binaryRequest = new("m") { Parameters = new() { ["binary_data_output"] = true } };

    [ParamsAllValues]
    public PayloadKind Payload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TensorData[] outputs = Payload switch
        {
            PayloadKind.Fp32_1x64 => [Payloads.Payloads.Fp32("output", [1, 64], seed: 11, min: -5, max: 5)],
            PayloadKind.MiniLm16 =>
            [
                Payloads.Payloads.Fp32("last_hidden_state", [1, 16, 384], seed: 12, min: -1, max: 1),
                Payloads.Payloads.Fp32("924", [1, 384], seed: 13, min: -1, max: 1),
            ],
            _ => [Payloads.Payloads.Fp32("output", [1, 3, 224, 224], seed: 14, min: -2.1f, max: 2.6f)],
        };

        _response = new InferenceResponse("m", "1");
        foreach (var output in outputs)
        {
            _response.Outputs.Add(new Tensor(output.Name, output.DataType, new TensorShape(output.Shape), output.Bytes));
        }

        _context.Response.Body = Stream.Null;
    }

    public void Dispose()
    {
        _response.Dispose();
        _jsonRequest.Dispose();
        _binaryRequest.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task WriteJson() => KServeInferResponseWriter.WriteAsync(_context.Response, _jsonRequest, _response, CancellationToken.None);

    [Benchmark]
    public Task WriteBinary() => KServeInferResponseWriter.WriteAsync(_context.Response, _binaryRequest, _response, CancellationToken.None);
}
