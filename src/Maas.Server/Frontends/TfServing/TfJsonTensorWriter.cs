using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Server.Frontends.KServe;
using Maas.Tensors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// Writes tensor values as TF Serving does: nested lists following the shape, decimals in their
/// shortest round-trip form with <c>.0</c> on whole numbers, <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c>
/// as bare tokens, FP16 and BF16 as numbers, and DT_STRING as text or <c>{"b64": ...}</c>.
/// </summary>
internal static class TfJsonTensorWriter
{
    /// <summary>
    /// Writes the next value of <paramref name="tensor"/> shaped <paramref name="dims"/> (a scalar
    /// when empty), starting at byte <paramref name="offset"/> of its data, and advances the
    /// offset past it. Called once per batch row with the row's dims, or once with the full shape.
    /// </summary>
    public static void WriteValue(Utf8JsonWriter writer, Tensor tensor, ReadOnlySpan<long> dims, bool base64, ref int offset)
    {
        if (dims.IsEmpty)
        {
            WriteElement(writer, tensor, base64, ref offset);
            return;
        }

        writer.WriteStartArray();
        for (long i = 0; i < dims[0]; i++)
        {
            WriteValue(writer, tensor, dims[1..], base64, ref offset);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// TF Serving's rule for DT_STRING outputs: a name ending in <c>_bytes</c> means binary, written
    /// as <c>{"b64": ...}</c>. Maas also writes any element that is not valid UTF-8 that way, since
    /// a JSON string cannot carry it.
    /// </summary>
    public static bool IsBinaryByName(Tensor tensor) =>
        tensor.DataType == DataType.Bytes && tensor.Name.EndsWith("_bytes", StringComparison.Ordinal);

    private static void WriteElement(Utf8JsonWriter writer, Tensor tensor, bool base64, ref int offset)
    {
        var data = tensor.Data.Span[offset..];
        var size = tensor.DataType.ElementSize();
        switch (tensor.DataType)
        {
            case DataType.Bool: writer.WriteBooleanValue(data[0] != 0); break;
            case DataType.UInt8: writer.WriteNumberValue(data[0]); break;
            case DataType.Int8: writer.WriteNumberValue((sbyte)data[0]); break;
            case DataType.UInt16: writer.WriteNumberValue(Read<ushort>(data)); break;
            case DataType.Int16: writer.WriteNumberValue(Read<short>(data)); break;
            case DataType.UInt32: writer.WriteNumberValue(Read<uint>(data)); break;
            case DataType.Int32: writer.WriteNumberValue(Read<int>(data)); break;
            case DataType.UInt64: writer.WriteNumberValue(Read<ulong>(data)); break;
            case DataType.Int64: writer.WriteNumberValue(Read<long>(data)); break;
            case DataType.Fp16: WriteDecimal(writer, (float)Read<Half>(data)); break;
            case DataType.Bf16: WriteDecimal(writer, BFloat16.ToSingle(Read<ushort>(data))); break;
            case DataType.Fp32: WriteDecimal(writer, Read<float>(data)); break;
            case DataType.Fp64: WriteDecimal(writer, Read<double>(data)); break;
            case DataType.Bytes:
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
                WriteBytes(writer, data.Slice(BytesElements.PrefixSize, length), base64);
                size = BytesElements.PrefixSize + length;
                break;
            default:
                throw new InvalidOperationException($"Tensor '{tensor.Name}' has no datatype.");
        }

        offset += size;
    }

    /// <summary>A float as TF Serving writes it: shortest round-trip text, <c>.0</c> on whole numbers, bare non-finite tokens.</summary>
    public static void WriteDecimal(Utf8JsonWriter writer, float value)
    {
        Span<byte> text = stackalloc byte[32];
        if (!float.IsFinite(value))
        {
            writer.WriteRawValue(NonFinite(value), skipInputValidation: true);
            return;
        }

        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        writer.WriteRawValue(text[..AddPoint(text, length)], skipInputValidation: true);
    }

    /// <summary>A double as TF Serving writes it (see the float overload).</summary>
    public static void WriteDecimal(Utf8JsonWriter writer, double value)
    {
        Span<byte> text = stackalloc byte[40];
        if (!double.IsFinite(value))
        {
            writer.WriteRawValue(NonFinite(value), skipInputValidation: true);
            return;
        }

        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        writer.WriteRawValue(text[..AddPoint(text, length)], skipInputValidation: true);
    }

    // TF Serving writes 1.0, not 1, so a list of decimals never reads as integers.
    private static int AddPoint(Span<byte> text, int length)
    {
        if (text[..length].IndexOfAny(".Ee"u8) >= 0)
        {
            return length;
        }

        text[length] = (byte)'.';
        text[length + 1] = (byte)'0';
        return length + 2;
    }

    private static ReadOnlySpan<byte> NonFinite(double value) =>
        double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8;

    private static void WriteBytes(Utf8JsonWriter writer, ReadOnlySpan<byte> element, bool base64)
    {
        if (!base64 && System.Text.Unicode.Utf8.IsValid(element))
        {
            writer.WriteStringValue(element);
            return;
        }

        writer.WriteStartObject();
        writer.WriteBase64String("b64"u8, element);
        writer.WriteEndObject();
    }

    private static T Read<T>(ReadOnlySpan<byte> data)
        where T : unmanaged => MemoryMarshal.Read<T>(data);
}
