using System.Runtime.InteropServices;
using Maas.Buffers;
using Maas.Inference;
using Maas.Tensors;

namespace Maas.Backends.Onnx.Tests.Support;

internal static class TestTensors
{
    public static Tensor Fp32(string name, long[] dims, params float[] values) =>
        new(name, DataType.Fp32, new TensorShape(dims), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static float[] AsFloats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.Data.Span).ToArray();

    public static byte[] BytesData(params byte[][] elements)
    {
        using var writer = new PooledBufferWriter();
        foreach (var element in elements)
        {
            BytesElements.Write(writer, element);
        }

        return writer.WrittenSpan.ToArray();
    }

    public static InferenceRequest Request(string model, params Tensor[] inputs)
    {
        var request = new InferenceRequest(model);
        request.Inputs.AddRange(inputs);
        return request;
    }
}
