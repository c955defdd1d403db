using System.Runtime.InteropServices;
using Maas.Tensors;

namespace Maas.Client.Tests.Support;

/// <summary>Inputs with awkward values of every datatype: extremes, negatives, fractions, non-ASCII text.</summary>
internal static class SampleTensors
{
    public static InferTensor Of(DataType type, string name) => type switch
    {
        DataType.Bool => InferTensor.Create<bool>(name, [true, false, false, true]),
        DataType.UInt8 => InferTensor.Create<byte>(name, [0, 1, 127, 255]),
        DataType.UInt16 => InferTensor.Create<ushort>(name, [0, 1, 40000, ushort.MaxValue]),
        DataType.UInt32 => InferTensor.Create<uint>(name, [0, 1, 3_000_000_000, uint.MaxValue]),
        DataType.UInt64 => InferTensor.Create<ulong>(name, [0, 1, 1UL << 63, ulong.MaxValue]),
        DataType.Int8 => InferTensor.Create<sbyte>(name, [sbyte.MinValue, -1, 0, sbyte.MaxValue]),
        DataType.Int16 => InferTensor.Create<short>(name, [short.MinValue, -1, 0, short.MaxValue]),
        DataType.Int32 => InferTensor.Create<int>(name, [int.MinValue, -1, 0, int.MaxValue]),
        DataType.Int64 => InferTensor.Create<long>(name, [long.MinValue, -1, 0, long.MaxValue]),
        DataType.Fp16 => InferTensor.Create<Half>(name, [(Half)(-2.5f), Half.Epsilon, (Half)0.1f, Half.MaxValue]),
        DataType.Bf16 => new InferTensor(name, DataType.Bf16, [4], MemoryMarshal.AsBytes<ushort>([0x3F80, 0xC0A0, 0x0001, 0x7F7F]).ToArray()),
        DataType.Fp32 => InferTensor.Create<float>(name, [-3.4028235e38f, 1e-45f, 0.1f, 16777217f]),
        DataType.Fp64 => InferTensor.Create<double>(name, [-1.7976931348623157e308, 5e-324, 0.1, Math.PI]),
        DataType.Bytes => InferTensor.FromStrings(name, ["", "a", "héllo wörld", "日本語"]),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
