using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Maas.Errors;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Onnx;

/// <summary>Reads and writes the elements of a <see cref="TensorProto"/> whichever field holds them.</summary>
internal static class TensorData
{
    /// <summary>The product of the tensor's dims (1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var dim in tensor.Dims)
        {
            count *= dim;
        }

        return count;
    }

    /// <summary>The elements of a FLOAT tensor.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        RequireInline(tensor);
        if (tensor.DataType != OnnxDataType.Float)
        {
            throw MaasError.InvalidArgument($"Tensor '{tensor.Name}' is {OnnxDataType.Name(tensor.DataType)}, not float.");
        }

        if (tensor.HasRawData)
        {
            var raw = tensor.RawData.Span;
            var values = new float[raw.Length / sizeof(float)];
            if (BitConverter.IsLittleEndian)
            {
                raw[..(values.Length * sizeof(float))].CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
                }
            }

            return values;
        }

        var result = new float[tensor.FloatData.Count];
        tensor.FloatData.CopyTo(result, 0);
        return result;
    }

    /// <summary>The elements of an integer tensor (INT64, INT32, INT8, UINT8, INT16, UINT16, BOOL) as int64, or null for other types.</summary>
    public static long[]? ReadIntegers(TensorProto tensor)
    {
        if (ExternalData.IsExternal(tensor))
        {
            return null;
        }

        var count = (int)ElementCount(tensor);
        var result = new long[count];
        var raw = tensor.HasRawData ? tensor.RawData.Span : default;
        switch (tensor.DataType)
        {
            case OnnxDataType.Int64:
                if (tensor.HasRawData)
                {
                    for (var i = 0; i < count; i++)
                    {
                        result[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
                    }
                }
                else
                {
                    tensor.Int64Data.CopyTo(result, 0);
                }

                return result;
            case OnnxDataType.Int32:
            case OnnxDataType.Int16:
            case OnnxDataType.UInt16:
            case OnnxDataType.Int8:
            case OnnxDataType.UInt8:
            case OnnxDataType.Bool:
                for (var i = 0; i < count; i++)
                {
                    result[i] = tensor.HasRawData ? ReadSmall(raw, tensor.DataType, i) : tensor.Int32Data[i];
                }

                return result;
            default:
                return null;
        }
    }

    /// <summary>A FLOAT tensor stored as raw_data.</summary>
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        FromBytes(name, OnnxDataType.Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An INT64 tensor stored as raw_data.</summary>
    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims) =>
        FromBytes(name, OnnxDataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An INT8 tensor stored as raw_data.</summary>
    public static TensorProto FromInt8s(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        FromBytes(name, OnnxDataType.Int8, MemoryMarshal.AsBytes(values), dims);

    /// <summary>Replaces a FLOAT tensor's elements and dims in place (stored as raw_data from now on).</summary>
    public static void ReplaceFloats(TensorProto tensor, ReadOnlySpan<float> values, params long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing ONNX tensors needs a little-endian machine.");
        }

        tensor.FloatData.Clear();
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
    }

    /// <summary>
    /// A FLOAT16 tensor from float values, rounded to nearest. Values beyond float16's range
    /// (±65,504) are clamped to it rather than becoming infinities (attention masks often hold
    /// float32's lowest value, and −inf + −inf rows would turn a softmax into NaN).
    /// </summary>
    public static TensorProto FromFloatsAsHalf(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var halves = new Half[values.Length];
        var max = (float)Half.MaxValue;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            halves[i] = float.IsNaN(value) ? Half.NaN : (Half)Math.Clamp(value, -max, max);
        }

        return FromBytes(name, OnnxDataType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()), dims);
    }

    /// <summary>A tensor of any fixed-width type from its little-endian bytes.</summary>
    public static TensorProto FromBytes(string name, int dataType, ReadOnlySpan<byte> bytes, params long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Writing ONNX tensors needs a little-endian machine.");
        }

        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static long ReadSmall(ReadOnlySpan<byte> raw, int dataType, int i) => dataType switch
    {
        OnnxDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]),
        OnnxDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(i * 2)..]),
        OnnxDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]),
        OnnxDataType.Int8 => (sbyte)raw[i],
        _ => raw[i],
    };

    private static void RequireInline(TensorProto tensor)
    {
        if (ExternalData.IsExternal(tensor))
        {
            throw MaasError.Unsupported($"Tensor '{tensor.Name}' keeps its data in an external file that was not loaded. Load it with ExternalData.Load first.");
        }
    }
}
