using System.Runtime.InteropServices;
using Maas.Tensors;

namespace Maas.Benchmarks.Payloads;

/// <summary>
/// The request payloads the micro and end-to-end benchmarks share. Data is seeded random, so every
/// run sends the same bytes; the values are in realistic ranges (normalized pixels, token ids).
/// </summary>
public static class Payloads
{
    /// <summary>A [1,64] FP32 feature vector (256 bytes): the smallest useful tensor.</summary>
    public static ModelPayload Vector64() =>
        new("vector", [Fp32("input", [1, 64], seed: 1, min: -1, max: 1)]);

    /// <summary>small-cnn's input: [1,1,28,28] FP32 (3,136 bytes), an MNIST-sized image.</summary>
    public static ModelPayload SmallCnn() =>
        new("small-cnn", [Fp32("input", [1, 1, 28, 28], seed: 2, min: 0, max: 1)]);

    /// <summary>MiniLM's three INT64 [1,16] inputs (16 tokens, 384 bytes in all).</summary>
    public static ModelPayload MiniLm(int tokens = 16)
    {
        var random = new Random(3);
        var ids = new long[tokens];
        var mask = new long[tokens];
        var types = new long[tokens];
        ids[0] = 101; // [CLS]
        ids[^1] = 102; // [SEP]
        for (var i = 1; i < tokens - 1; i++)
        {
#pragma warning disable CA5394 // Benchmark data, not security.
            ids[i] = random.Next(1000, 30000);
#pragma warning restore CA5394
        }

        Array.Fill(mask, 1L);
        long[] shape = [1, tokens];
        return new("minilm",
        [
            new TensorData("input_ids", DataType.Int64, shape, Bytes(ids)),
            new TensorData("attention_mask", DataType.Int64, shape, Bytes(mask)),
            new TensorData("token_type_ids", DataType.Int64, shape, Bytes(types)),
        ]);
    }

    /// <summary>ResNet18's input: [1,3,224,224] FP32 (602,112 bytes), ImageNet-normalized values.</summary>
    public static ModelPayload ResNet18() =>
        new("resnet18", [Fp32("Input247", [1, 3, 224, 224], seed: 4, min: -2.1f, max: 2.6f)]);

    /// <summary>The MLP's input (TestModelFactory.Mlp): [1,784] FP32 (3,136 bytes), a flattened 28×28 image.</summary>
    public static ModelPayload Mlp() =>
        new("mlp", [Fp32("input", [1, 784], seed: 5, min: 0, max: 1)]);

    /// <summary>
    /// <paramref name="payload"/> with every input repeated <paramref name="rows"/> times along its
    /// first (batch) dimension: the batch a server forms from that many identical requests.
    /// </summary>
    public static ModelPayload Repeat(ModelPayload payload, int rows)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        var inputs = new List<TensorData>(payload.Inputs.Count);
        foreach (var input in payload.Inputs)
        {
            var shape = (long[])input.Shape.Clone();
            shape[0] *= rows;
            var bytes = new byte[input.Bytes.Length * rows];
            for (var r = 0; r < rows; r++)
            {
                input.Bytes.CopyTo(bytes, r * input.Bytes.Length);
            }

            inputs.Add(input with { Shape = shape, Bytes = bytes });
        }

        return payload with { Inputs = inputs };
    }

    /// <summary>A float tensor filled with seeded uniform values in [min, max).</summary>
    public static TensorData Fp32(string name, long[] shape, int seed, float min, float max)
    {
        long count = 1;
        foreach (var d in shape)
        {
            count *= d;
        }

        var values = new float[count];
        var random = new Random(seed);
        for (var i = 0; i < values.Length; i++)
        {
#pragma warning disable CA5394 // Benchmark data, not security.
            values[i] = min + ((max - min) * random.NextSingle());
#pragma warning restore CA5394
        }

        return new TensorData(name, DataType.Fp32, shape, Bytes(values));
    }

    private static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
