using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Maas.Buffers;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Grpc.Protocol;

/// <summary>
/// Converts between the protocol's typed <see cref="InferTensorContents"/> and the canonical
/// little-endian tensor bytes. Which repeated field carries a datatype is fixed by the protocol;
/// FP16 and BF16 have none and travel only as raw contents. The server reads requests and writes
/// answers with it; the client does the reverse, so both sides agree on every conversion.
/// </summary>
public static class TensorContents
{
    /// <summary>The name of the typed field that carries <paramref name="type"/>, or null when it has none.</summary>
    public static string? FieldName(DataType type) => type switch
    {
        DataType.Bool => "bool_contents",
        DataType.Int8 or DataType.Int16 or DataType.Int32 => "int_contents",
        DataType.Int64 => "int64_contents",
        DataType.UInt8 or DataType.UInt16 or DataType.UInt32 => "uint_contents",
        DataType.UInt64 => "uint64_contents",
        DataType.Fp32 => "fp32_contents",
        DataType.Fp64 => "fp64_contents",
        DataType.Bytes => "bytes_contents",
        _ => null,
    };

    /// <summary>
    /// Reads the typed data of tensor <paramref name="name"/> as canonical bytes: into a pooled
    /// buffer owned by <paramref name="owner"/>, or into a new array when it is null. The data must
    /// sit in the datatype's field, hold exactly <paramref name="count"/> elements and fit the
    /// datatype's range; otherwise throws <see cref="MaasError"/> (InvalidArgument).
    /// </summary>
    public static ReadOnlyMemory<byte> Read(InferTensorContents contents, string name, DataType type, long count, OwnedResources? owner)
    {
        ArgumentNullException.ThrowIfNull(contents);
        var field = FieldName(type)
            ?? throw MaasError.InvalidArgument($"Input '{name}' is {type.WireName()}, which has no typed contents field; send its data in raw_input_contents (little-endian {type.ElementSize()}-byte elements).");
        var (present, presentCount) = PopulatedField(contents);
        if (present is not null && present != field)
        {
            throw MaasError.InvalidArgument($"Input '{name}' is {type.WireName()}, so its data belongs in contents.{field}, but it came in contents.{present}.");
        }

        if (presentCount != count)
        {
            throw MaasError.InvalidArgument($"Input '{name}' has {presentCount} elements in contents.{field}, but its shape needs {count}.");
        }

        if (type == DataType.Bytes)
        {
            return ReadBytes(contents.BytesContents, owner);
        }

        var memory = Allocate(checked((int)count * type.ElementSize()), owner);
        var span = memory.Span;
        switch (type)
        {
            case DataType.Bool:
                Copy(contents.BoolContents, span, static b => b ? (byte)1 : (byte)0);
                break;
            case DataType.Int8:
                Copy(contents.IntContents, MemoryMarshal.Cast<byte, sbyte>(span), v => checked((sbyte)InRange(v, sbyte.MinValue, sbyte.MaxValue, name, type)));
                break;
            case DataType.Int16:
                Copy(contents.IntContents, MemoryMarshal.Cast<byte, short>(span), v => checked((short)InRange(v, short.MinValue, short.MaxValue, name, type)));
                break;
            case DataType.Int32:
                CopySame(contents.IntContents, MemoryMarshal.Cast<byte, int>(span));
                break;
            case DataType.Int64:
                CopySame(contents.Int64Contents, MemoryMarshal.Cast<byte, long>(span));
                break;
            case DataType.UInt8:
                Copy(contents.UintContents, span, v => checked((byte)InRange(v, byte.MaxValue, name, type)));
                break;
            case DataType.UInt16:
                Copy(contents.UintContents, MemoryMarshal.Cast<byte, ushort>(span), v => checked((ushort)InRange(v, ushort.MaxValue, name, type)));
                break;
            case DataType.UInt32:
                CopySame(contents.UintContents, MemoryMarshal.Cast<byte, uint>(span));
                break;
            case DataType.UInt64:
                CopySame(contents.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(span));
                break;
            case DataType.Fp32:
                CopySame(contents.Fp32Contents, MemoryMarshal.Cast<byte, float>(span));
                break;
            case DataType.Fp64:
                CopySame(contents.Fp64Contents, MemoryMarshal.Cast<byte, double>(span));
                break;
            default:
                throw new InvalidOperationException($"No typed reader for {type}.");
        }

        return memory;
    }

    /// <summary>
    /// Writes canonical tensor bytes into the datatype's typed field. Only for datatypes that have
    /// one (<see cref="FieldName"/> not null).
    /// </summary>
    public static InferTensorContents Write(DataType type, ReadOnlySpan<byte> data)
    {
        var contents = new InferTensorContents();
        var span = data;
        switch (type)
        {
            case DataType.Bool:
                Append(contents.BoolContents, span, static b => b != 0);
                break;
            case DataType.Int8:
                Append(contents.IntContents, MemoryMarshal.Cast<byte, sbyte>(span), static v => v);
                break;
            case DataType.Int16:
                Append(contents.IntContents, MemoryMarshal.Cast<byte, short>(span), static v => v);
                break;
            case DataType.Int32:
                AppendSame(contents.IntContents, MemoryMarshal.Cast<byte, int>(span));
                break;
            case DataType.Int64:
                AppendSame(contents.Int64Contents, MemoryMarshal.Cast<byte, long>(span));
                break;
            case DataType.UInt8:
                Append(contents.UintContents, span, static v => v);
                break;
            case DataType.UInt16:
                Append(contents.UintContents, MemoryMarshal.Cast<byte, ushort>(span), static v => v);
                break;
            case DataType.UInt32:
                AppendSame(contents.UintContents, MemoryMarshal.Cast<byte, uint>(span));
                break;
            case DataType.UInt64:
                AppendSame(contents.Uint64Contents, MemoryMarshal.Cast<byte, ulong>(span));
                break;
            case DataType.Fp32:
                AppendSame(contents.Fp32Contents, MemoryMarshal.Cast<byte, float>(span));
                break;
            case DataType.Fp64:
                AppendSame(contents.Fp64Contents, MemoryMarshal.Cast<byte, double>(span));
                break;
            case DataType.Bytes:
                foreach (var element in BytesElements.Enumerate(span))
                {
                    contents.BytesContents.Add(ByteString.CopyFrom(element));
                }

                break;
            default:
                throw new InvalidOperationException($"{type.WireName()} has no typed contents field.");
        }

        return contents;
    }

    // The field that holds data, and how many elements it holds. Only one may be populated.
    private static (string? Field, long Count) PopulatedField(InferTensorContents c)
    {
        (string Name, int Count)[] fields =
        [
            ("bool_contents", c.BoolContents.Count), ("int_contents", c.IntContents.Count),
            ("int64_contents", c.Int64Contents.Count), ("uint_contents", c.UintContents.Count),
            ("uint64_contents", c.Uint64Contents.Count), ("fp32_contents", c.Fp32Contents.Count),
            ("fp64_contents", c.Fp64Contents.Count), ("bytes_contents", c.BytesContents.Count),
        ];
        string? found = null;
        var count = 0;
        foreach (var (name, n) in fields)
        {
            if (n == 0)
            {
                continue;
            }

            if (found is not null)
            {
                throw MaasError.InvalidArgument($"Tensor contents fill both {found} and {name}; send one field, the one of the tensor's datatype.");
            }

            (found, count) = (name, n);
        }

        return (found, count);
    }

    private static ReadOnlyMemory<byte> ReadBytes(RepeatedField<ByteString> elements, OwnedResources? owner)
    {
        var size = 0L;
        foreach (var element in elements)
        {
            size += BytesElements.PrefixSize + element.Length;
        }

        var memory = Allocate(checked((int)size), owner);
        var span = memory.Span;
        foreach (var element in elements)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)element.Length);
            element.Span.CopyTo(span[BytesElements.PrefixSize..]);
            span = span[(BytesElements.PrefixSize + element.Length)..];
        }

        return memory;
    }

    private static Memory<byte> Allocate(int size, OwnedResources? owner)
    {
        if (owner is null)
        {
            return new byte[size];
        }

        var buffer = new PooledBuffer(size);
        owner.Add(buffer);
        return buffer.Memory;
    }

    private static int InRange(int value, int min, int max, string name, DataType type) =>
        value >= min && value <= max
            ? value
            : throw MaasError.InvalidArgument($"Input '{name}' is {type.WireName()} but holds {value}, outside {min}..{max}.");

    private static uint InRange(uint value, uint max, string name, DataType type) =>
        value <= max
            ? value
            : throw MaasError.InvalidArgument($"Input '{name}' is {type.WireName()} but holds {value}, above {max}.");

    private static void Copy<TFrom, TTo>(RepeatedField<TFrom> from, Span<TTo> to, Func<TFrom, TTo> convert)
    {
        for (var i = 0; i < to.Length; i++)
        {
            to[i] = convert(from[i]);
        }
    }

    private static void CopySame<T>(RepeatedField<T> from, Span<T> to)
    {
        for (var i = 0; i < to.Length; i++)
        {
            to[i] = from[i];
        }
    }

    private static void AppendSame<T>(RepeatedField<T> to, ReadOnlySpan<T> from)
    {
        to.Capacity = from.Length;
        foreach (var value in from)
        {
            to.Add(value);
        }
    }

    private static void Append<TFrom, TTo>(RepeatedField<TTo> to, ReadOnlySpan<TFrom> from, Func<TFrom, TTo> convert)
    {
        to.Capacity = from.Length;
        foreach (var value in from)
        {
            to.Add(convert(value));
        }
    }
}
