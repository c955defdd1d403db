using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Maas.Benchmarks.Payloads;
using Maas.Server.Frontends.KServe;

namespace Maas.Benchmarks.Micro;

/// <summary>
/// <see cref="KServeInferRequestParser"/> on the same tensor sent as JSON and as binary tensor data.
/// Ratio is against the JSON parse (P2's micro form). For scale: <see cref="CopyBinaryBody"/> is the
/// one copy the server makes before parsing (socket → pooled buffer), and <see cref="TokenizeJson"/>
/// one pass of <see cref="Utf8JsonReader"/> over the JSON body, the floor for any JSON parser.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _json = [];
    private byte[] _binary = [];
    private int _jsonLength;

    [ParamsAllValues]
    public PayloadKind Payload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var payload = Payload switch
        {
            PayloadKind.Fp32_1x64 => Payloads.Payloads.Vector64(),
            PayloadKind.MiniLm16 => Payloads.Payloads.MiniLm(),
            _ => Payloads.Payloads.ResNet18(),
        };
        _json = KServeBodies.Json(payload);
        _binary = KServeBodies.Binary(payload, out _jsonLength);

        // Fail fast if the parser rejects what we built: a benchmark of an error path measures nothing.
        using var a = KServeInferRequestParser.Parse(payload.Model, null, _json, null, NoOwner.Instance);
        using var b = KServeInferRequestParser.Parse(payload.Model, null, _binary, _jsonLength, NoOwner.Instance);
        if (a.Inputs.Count != payload.Inputs.Count || b.Inputs.Count != payload.Inputs.Count || !a.Inputs[0].Data.Span.SequenceEqual(b.Inputs[0].Data.Span))
        {
            throw new InvalidOperationException("JSON and binary bodies did not parse to the same tensors.");
        }
    }

    [Benchmark(Baseline = true)]
    public int ParseJson()
    {
        using var request = KServeInferRequestParser.Parse("m", null, _json, null, NoOwner.Instance);
        return request.Inputs.Count;
    }

    [Benchmark]
    public int ParseBinary()
    {
        using var request = KServeInferRequestParser.Parse("m", null, _binary, _jsonLength, NoOwner.Instance);
        return request.Inputs.Count;
    }

    [Benchmark]
    public int TokenizeJson()
    {
        var reader = new Utf8JsonReader(_json);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark]
    public int CopyBinaryBody()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_binary.Length);
        _binary.AsSpan().CopyTo(buffer);
        var first = buffer[0];
        ArrayPool<byte>.Shared.Return(buffer);
        return first;
    }
}
