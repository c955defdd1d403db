using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Client.Http;

/// <summary>
/// A tensor's elements as a JSON <c>data</c> array, both ways: written from the protocol's raw
/// layout for requests, read back into it from answers (flat or nested arrays; the strings
/// "NaN", "Infinity" and "-Infinity" that servers write for non-finite floats).
/// </summary>
internal static class JsonTensorValues
{
    /// <summary>Writes a request input; NaN, infinities and non-UTF-8 BYTES cannot travel as JSON and throw.</summary>
    public static void Write(Utf8JsonWriter writer, InferTensor tensor) =>
        TensorJsonWriter.Write(writer, tensor.Name, tensor.DataType, tensor.Data.Span, strictFix: "send it with BinaryData = true.");

    /// <summary>
    /// Reads the <c>data</c> value at the reader (an array, possibly nested) as
    /// <paramref name="type"/> elements in the protocol's raw layout.
    /// </summary>
    public static byte[] Read(ref Utf8JsonReader reader, string name, DataType type)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Malformed(name, $"'data' is a {reader.TokenType}, not an array");
        }

        using var output = new PooledBufferWriter();
        var depth = 0;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndArray:
                    depth--;
                    break;
                default:
                    ReadElement(ref reader, name, type, output);
                    break;
            }
        }
        while (depth > 0 && reader.Read());

        return output.WrittenSpan.ToArray();
    }

    private static void ReadElement(ref Utf8JsonReader reader, string name, DataType type, PooledBufferWriter output)
    {
        if (type == DataType.Bytes)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Malformed(name, $"a BYTES element is a {reader.TokenType}, not a string");
            BytesElements.Write(output, Encoding.UTF8.GetBytes(text));
            return;
        }

        var span = output.GetSpan(8);
        switch (type)
        {
            case DataType.Bool:
                span[0] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw Malformed(name, $"a BOOL element is a {reader.TokenType}, not true or false"),
                };
                break;
            case DataType.UInt8:
                span[0] = Number(ref reader, name).GetByte();
                break;
            case DataType.Int8:
                span[0] = (byte)Number(ref reader, name).GetSByte();
                break;
            case DataType.UInt16:
                BinaryPrimitives.WriteUInt16LittleEndian(span, Number(ref reader, name).GetUInt16());
                break;
            case DataType.Int16:
                BinaryPrimitives.WriteInt16LittleEndian(span, Number(ref reader, name).GetInt16());
                break;
            case DataType.UInt32:
                BinaryPrimitives.WriteUInt32LittleEndian(span, Number(ref reader, name).GetUInt32());
                break;
            case DataType.Int32:
                BinaryPrimitives.WriteInt32LittleEndian(span, Number(ref reader, name).GetInt32());
                break;
            case DataType.UInt64:
                BinaryPrimitives.WriteUInt64LittleEndian(span, Number(ref reader, name).GetUInt64());
                break;
            case DataType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(span, Number(ref reader, name).GetInt64());
                break;
            case DataType.Fp16:
                BinaryPrimitives.WriteHalfLittleEndian(span, (Half)Float(ref reader, name));
                break;
            case DataType.Bf16:
                // Servers write a BF16 element as the float it widens to, so its top 16 bits are exact.
                BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits((float)Float(ref reader, name)) >> 16));
                break;
            case DataType.Fp32:
                BinaryPrimitives.WriteSingleLittleEndian(span, reader.TokenType == JsonTokenType.Number ? reader.GetSingle() : (float)Float(ref reader, name));
                break;
            case DataType.Fp64:
                BinaryPrimitives.WriteDoubleLittleEndian(span, Float(ref reader, name));
                break;
            default:
                throw Malformed(name, $"datatype {type.WireName()} has no JSON form");
        }

        output.Advance(type.ElementSize());
    }

    private static ref Utf8JsonReader Number(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw Malformed(name, $"an element is a {reader.TokenType}, not a number");
        }

        return ref reader;
    }

    // FP32 numbers are parsed as float directly (decimal → double → float could round twice).
    private static double Float(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueTextEquals("NaN"u8) ? double.NaN
                : reader.ValueTextEquals("Infinity"u8) ? double.PositiveInfinity
                : reader.ValueTextEquals("-Infinity"u8) ? double.NegativeInfinity
                : throw Malformed(name, $"the string '{reader.GetString()}' is not a number (only NaN, Infinity, -Infinity are)");
        }

        return Number(ref reader, name).GetDouble();
    }

    private static MaasClientException Malformed(string name, string problem) =>
        new($"The server's answer for output '{name}' is malformed: {problem}.");
}
