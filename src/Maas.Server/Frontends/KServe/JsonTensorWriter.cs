using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Tensors;

namespace Maas.Server.Frontends.KServe;

/// <summary>Writes a tensor's elements as a flat JSON array, as KServe v2 clients expect.</summary>
internal static class JsonTensorWriter
{
    public static void WriteData(Utf8JsonWriter writer, Tensor tensor)
    {
        var data = tensor.Data.Span;
        writer.WriteStartArray();
        switch (tensor.DataType)
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
                    WriteFloat(writer, (float)v);
                }

                break;
            case DataType.Bf16:
                foreach (var v in MemoryMarshal.Cast<byte, ushort>(data))
                {
                    WriteFloat(writer, BFloat16.ToSingle(v));
                }

                break;
            case DataType.Fp32:
                foreach (var v in MemoryMarshal.Cast<byte, float>(data))
                {
                    WriteFloat(writer, v);
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
                        WriteNonFinite(writer, v);
                    }
                }

                break;
            case DataType.Bytes:
                foreach (var element in BytesElements.Enumerate(data))
                {
                    WriteBytesElement(writer, element);
                }

                break;
            default:
                throw new InvalidOperationException($"Tensor '{tensor.Name}' has no datatype.");
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    // JSON has no NaN or infinity; write them as the strings Python's json module and Triton's clients read.
    private static void WriteNonFinite(Utf8JsonWriter writer, double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    private static void WriteBytesElement(Utf8JsonWriter writer, ReadOnlySpan<byte> element)
    {
        if (System.Text.Unicode.Utf8.IsValid(element))
        {
            writer.WriteStringValue(element);
        }
        else
        {
            // Not text: JSON strings must be UTF-8, so invalid sequences become U+FFFD. Clients that
            // need exact bytes ask for binary_data.
            writer.WriteStringValue(Encoding.UTF8.GetString(element));
        }
    }
}
