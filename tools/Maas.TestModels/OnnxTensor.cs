using System.Buffers.Binary;

namespace Maas.TestModels;

/// <summary>
/// A constant tensor (an initializer, or the value of a tensor attribute) stored as ONNX <c>raw_data</c>.
/// </summary>
/// <remarks>
/// <c>raw_data</c> is little-endian and is the layout exporters use for weights, so one code path
/// covers every numeric type. STRING tensors cannot use <c>raw_data</c> and are not supported here.
/// </remarks>
public sealed class OnnxTensor
{
    private readonly long[] _dims;
    private readonly byte[] _rawData;

    private OnnxTensor(string name, int elementType, long[] dims, byte[] rawData)
    {
        Name = name;
        ElementType = elementType;
        _dims = dims;
        _rawData = rawData;
    }

    /// <summary>The tensor's name; for an initializer this is the graph value it defines.</summary>
    public string Name { get; }

    /// <summary>The ONNX element type (see <see cref="OnnxElementType"/>).</summary>
    public int ElementType { get; }

    /// <summary>The tensor's shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims => _dims;

    /// <summary>A float tensor; <paramref name="values"/> must hold exactly the product of <paramref name="dims"/>.</summary>
    public static OnnxTensor FromFloats(string name, float[] values, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        return Create(name, OnnxElementType.Float, values.Length, dims, raw);
    }

    /// <summary>An int64 tensor (shapes, axes, indices); <paramref name="values"/> must match <paramref name="dims"/>.</summary>
    public static OnnxTensor FromInt64s(string name, long[] values, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        return Create(name, OnnxElementType.Int64, values.Length, dims, raw);
    }

    /// <summary>Any fixed-width type from its little-endian bytes; the byte count is not checked against the type.</summary>
    public static OnnxTensor FromRawData(string name, int elementType, byte[] rawData, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(rawData);
        ArgumentNullException.ThrowIfNull(dims);
        if (elementType == OnnxElementType.String)
        {
            throw new ArgumentException("STRING tensors cannot be stored as raw_data.", nameof(elementType));
        }

        return new OnnxTensor(Validate(name), elementType, (long[])dims.Clone(), (byte[])rawData.Clone());
    }

    /// <summary>Writes the TensorProto fields (dims=1, data_type=2, name=8, raw_data=9).</summary>
    internal void WriteTo(ProtoWriter writer)
    {
        writer.WritePackedInt64(1, _dims);
        writer.WriteInt64(2, ElementType);
        writer.WriteString(8, Name);
        writer.WriteBytes(9, _rawData);
    }

    private static OnnxTensor Create(string name, int elementType, long count, long[] dims, byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (var dim in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim, nameof(dims));
            expected *= dim;
        }

        if (expected != count)
        {
            throw new ArgumentException($"Tensor '{name}' has {count} values but its dims [{string.Join(", ", dims)}] need {expected}.", nameof(dims));
        }

        return new OnnxTensor(Validate(name), elementType, (long[])dims.Clone(), raw);
    }

    private static string Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name;
    }
}
