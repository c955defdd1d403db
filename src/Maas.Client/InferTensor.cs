using System.Runtime.InteropServices;
using System.Text;
using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Client;

/// <summary>
/// A named tensor as the protocol carries it: datatype, shape and raw little-endian row-major
/// data (BYTES elements each prefixed by their 4-byte little-endian length).
/// </summary>
public sealed class InferTensor
{
    /// <summary>A tensor over <paramref name="data"/>, which must already be in the protocol's layout.</summary>
    public InferTensor(string name, DataType dataType, long[] shape, ReadOnlyMemory<byte> data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (dataType == DataType.Invalid)
        {
            throw new ArgumentException("A tensor needs a datatype.", nameof(dataType));
        }

        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public DataType DataType { get; }

    /// <summary>The dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>The raw data in the protocol's layout.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The number of elements the shape holds.</summary>
    public long ElementCount
    {
        get
        {
            var count = 1L;
            foreach (var dim in Shape)
            {
                count = checked(count * dim);
            }

            return count;
        }
    }

    /// <summary>
    /// A tensor of <typeparamref name="T"/> values: bool, sbyte, byte, short, ushort, int, uint,
    /// long, ulong, Half, float or double (the datatype follows). <paramref name="shape"/> defaults
    /// to one dimension of <paramref name="values"/>' length.
    /// </summary>
    public static InferTensor Create<T>(string name, ReadOnlySpan<T> values, params long[] shape)
        where T : unmanaged
    {
        var type = DataTypeOf<T>();
        shape = shape.Length == 0 ? [values.Length] : shape;
        var tensor = new InferTensor(name, type, shape, MemoryMarshal.AsBytes(values).ToArray());
        if (tensor.ElementCount != values.Length)
        {
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {tensor.ElementCount} elements, but {values.Length} values were given.", nameof(shape));
        }

        return tensor;
    }

    /// <summary>A scalar (shape <c>[]</c>) holding <paramref name="value"/>; <see cref="Create{T}"/> with no shape makes a 1-D tensor instead.</summary>
    public static InferTensor Scalar<T>(string name, T value)
        where T : unmanaged =>
        new(name, DataTypeOf<T>(), [], MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)).ToArray());

    /// <summary>A BYTES tensor of UTF-8 strings.</summary>
    public static InferTensor FromStrings(string name, IEnumerable<string> values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromBytes(name, values.Select(Encoding.UTF8.GetBytes), shape);
    }

    /// <summary>A BYTES tensor of byte strings.</summary>
    public static InferTensor FromBytes(string name, IEnumerable<byte[]> values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var writer = new PooledBufferWriter();
        var count = 0;
        foreach (var value in values)
        {
            BytesElements.Write(writer, value);
            count++;
        }

        shape = shape.Length == 0 ? [count] : shape;
        var tensor = new InferTensor(name, DataType.Bytes, shape, writer.WrittenSpan.ToArray());
        if (tensor.ElementCount != count)
        {
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {tensor.ElementCount} elements, but {count} values were given.", nameof(shape));
        }

        return tensor;
    }

    /// <summary>The values as <typeparamref name="T"/>, which must match the datatype (float for FP32, ...).</summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var type = DataTypeOf<T>();
        if (type != DataType)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is {DataType.WireName()}; read it as {ClrName(DataType)}, not {typeof(T).Name}.");
        }

        return MemoryMarshal.Cast<byte, T>(Data.Span).ToArray();
    }

    /// <summary>The elements of a BYTES tensor, as byte arrays.</summary>
    public byte[][] ToByteArrays()
    {
        if (DataType != DataType.Bytes)
        {
            throw new InvalidOperationException($"Tensor '{Name}' is {DataType.WireName()}, not BYTES.");
        }

        var result = new List<byte[]>();
        foreach (var element in BytesElements.Enumerate(Data.Span))
        {
            result.Add(element.ToArray());
        }

        return [.. result];
    }

    /// <summary>The elements of a BYTES tensor, decoded as UTF-8.</summary>
    public string[] ToStrings() => [.. ToByteArrays().Select(Encoding.UTF8.GetString)];

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DataType.WireName()} [{string.Join(",", Shape)}]";

    internal static DataType DataTypeOf<T>()
        where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(bool) => DataType.Bool,
        var t when t == typeof(byte) => DataType.UInt8,
        var t when t == typeof(ushort) => DataType.UInt16,
        var t when t == typeof(uint) => DataType.UInt32,
        var t when t == typeof(ulong) => DataType.UInt64,
        var t when t == typeof(sbyte) => DataType.Int8,
        var t when t == typeof(short) => DataType.Int16,
        var t when t == typeof(int) => DataType.Int32,
        var t when t == typeof(long) => DataType.Int64,
        var t when t == typeof(Half) => DataType.Fp16,
        var t when t == typeof(float) => DataType.Fp32,
        var t when t == typeof(double) => DataType.Fp64,
        _ => throw new NotSupportedException($"{typeof(T).Name} has no KServe datatype; use bool, (s)byte, (u)short, (u)int, (u)long, Half, float or double, or the constructor with raw data (BF16)."),
    };

    private static string ClrName(DataType type) => type switch
    {
        DataType.Bool => "bool",
        DataType.UInt8 => "byte",
        DataType.UInt16 => "ushort",
        DataType.UInt32 => "uint",
        DataType.UInt64 => "ulong",
        DataType.Int8 => "sbyte",
        DataType.Int16 => "short",
        DataType.Int32 => "int",
        DataType.Int64 => "long",
        DataType.Fp16 => "Half",
        DataType.Fp32 => "float",
        DataType.Fp64 => "double",
        DataType.Bf16 => "raw data (Data)",
        _ => "strings (ToStrings) or byte arrays (ToByteArrays)",
    };
}
