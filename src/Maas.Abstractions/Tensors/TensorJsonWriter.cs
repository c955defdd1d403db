using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Maas.Tensors;

/// <summary>
/// Writes tensor elements (the protocol's raw layout) as a flat JSON array, as KServe v2 JSON
/// carries them: numbers, <c>true</c>/<c>false</c> for BOOL, strings for BYTES. JSON has no NaN,
/// infinity or non-text bytes; what happens to them is the caller's choice (see <c>strictFix</c>).
/// </summary>
public static class TensorJsonWriter
{
    /// <summary>
    /// Writes the elements of tensor <paramref name="name"/>. With <paramref name="strictFix"/> null
    /// (answers), non-finite floats become the strings "NaN", "Infinity", "-Infinity" that Python's
    /// json module and Triton's clients read, and bytes that are not UTF-8 become U+FFFD. Otherwise
    /// (requests) they throw <see cref="ArgumentException"/> naming the tensor and ending with
    /// <paramref name="strictFix"/>, the way to send them instead.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, string name, DataType type, ReadOnlySpan<byte> data, string? strictFix = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartArray();
        switch (type)
        {
            case DataType.Bool:
                foreach (var b in data)
                {
                    writer.WriteBooleanValue(b != 0);
                }

                break;
            case DataType.UInt8:
                foreach (var v in data)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int8:
                foreach (var v in MemoryMarshal.Cast<byte, sbyte>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt16:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int16:
                foreach (var v in MemoryMarshal.Cast<byte, short>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt32:
                foreach (var v in MemoryMarshal.Cast<byte, uint>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int32:
                foreach (var v in MemoryMarshal.Cast<byte, int>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.UInt64:
                foreach (var v in MemoryMarshal.Cast<byte, ulong>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int64:
                foreach (var v in MemoryMarshal.Cast<byte, long>(data))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Fp16:
                foreach (var v in MemoryMarshal.Cast<byte, Half>(data))
                {
                    WriteFloat(writer, name, (float)v, strictFix);
                }

                break;
            case DataType.Bf16:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(data))
                {
                    WriteFloat(writer, name, BitConverter.UInt32BitsToSingle((uint)v << 16), strictFix);
                }

                break;
            case DataType.Fp32:
                foreach (var v in MemoryMarshal.Cast<byte, float>(data))
                {
                    WriteFloat(writer, name, v, strictFix);
                }

                break;
            case DataType.Fp64:
                foreach (var v in MemoryMarshal.Cast<byte, double>(data))
                {
                    if (double.IsFinite(v))
                    {
                        writer.WriteNumberValue(v);
                    }
                    else
                    {
                        WriteNonFinite(writer, name, v, strictFix);
                    }
                }

                break;
            case DataType.Bytes:
                foreach (var element in BytesElements.Enumerate(data))
                {
                    WriteBytesElement(writer, name, element, strictFix);
                }

                break;
            default:
                throw new ArgumentException($"Tensor '{name}' has no datatype.", nameof(type));
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, string name, float value, string? strictFix)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, name, value, strictFix);
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter writer, string name, double value, string? strictFix)
    {
        if (strictFix is not null)
        {
            throw new ArgumentException($"Tensor '{name}' holds {value}, which JSON cannot carry; {strictFix}");
        }

        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }

    private static void WriteBytesElement(Utf8JsonWriter writer, string name, ReadOnlySpan<byte> element, string? strictFix)
    {
        if (System.Text.Unicode.Utf8.IsValid(element))
        {
            writer.WriteStringValue(element);
        }
        else if (strictFix is not null)
        {
            throw new ArgumentException($"Tensor '{name}' holds bytes that are not UTF-8 text, which a JSON string cannot carry; {strictFix}");
        }
        else
        {
            // Not text: JSON strings must be UTF-8, so invalid sequences become U+FFFD. Clients that
            // need exact bytes ask for binary_data.
            writer.WriteStringValue(Encoding.UTF8.GetString(element));
        }
    }
}
