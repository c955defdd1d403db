using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Tensors;

namespace Maas.Benchmarks.Payloads;

/// <summary>
/// Builds KServe v2 infer request bodies the way a client would send them: JSON with the tensor in
/// <c>data</c>, or the binary tensor data extension (JSON header, then raw bytes) asking for binary
/// outputs too.
/// </summary>
public static class KServeBodies
{
    /// <summary>The request header that gives the length of the JSON part of a binary body.</summary>
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    /// <summary>
    /// A JSON-only body. Floats are written as .NET writes them (shortest round-trip text, ~10
    /// characters each); a Python client writing doubles sends up to 17 digits, so more bytes.
    /// </summary>
    public static byte[] Json(ModelPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var buffer = new ArrayBufferWriter<byte>(checked((int)(payload.TensorBytes * 4) + 1024));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in payload.Inputs)
            {
                writer.WriteStartObject();
                WriteHeader(writer, input);
                writer.WriteStartArray("data");
                WriteElements(writer, input);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A binary body: JSON header (each input with <c>parameters.binary_data_size</c>, and
    /// <c>parameters.binary_data_output: true</c>), then every input's bytes in order.
    /// <paramref name="jsonLength"/> is the value for <see cref="HeaderLengthHeader"/>.
    /// </summary>
    public static byte[] Binary(ModelPayload payload, out int jsonLength)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("inputs");
            foreach (var input in payload.Inputs)
            {
                writer.WriteStartObject();
                WriteHeader(writer, input);
                writer.WriteStartObject("parameters");
                writer.WriteNumber("binary_data_size", input.Bytes.Length);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("parameters");
            writer.WriteBoolean("binary_data_output", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        jsonLength = buffer.WrittenCount;
        var body = new byte[jsonLength + payload.TensorBytes];
        buffer.WrittenSpan.CopyTo(body);
        var offset = jsonLength;
        foreach (var input in payload.Inputs)
        {
            input.Bytes.CopyTo(body, offset);
            offset += input.Bytes.Length;
        }

        return body;
    }

    private static void WriteHeader(Utf8JsonWriter writer, TensorData input)
    {
        writer.WriteString("name", input.Name);
        writer.WriteString("datatype", input.DataType.WireName());
        writer.WriteStartArray("shape");
        foreach (var d in input.Shape)
        {
            writer.WriteNumberValue(d);
        }

        writer.WriteEndArray();
    }

    private static void WriteElements(Utf8JsonWriter writer, TensorData input)
    {
        switch (input.DataType)
        {
            case DataType.Fp32:
                foreach (var v in MemoryMarshal.Cast<byte, float>(input.Bytes))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case DataType.Int64:
                foreach (var v in MemoryMarshal.Cast<byte, long>(input.Bytes))
                {
                    writer.WriteNumberValue(v);
                }

                break;
            default:
                throw new NotSupportedException($"The benchmarks write FP32 and INT64 tensors, not {input.DataType.WireName()}.");
        }
    }
}
