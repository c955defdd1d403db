using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Server.Frontends.KServe;

/// <summary>
/// Reads the JSON <c>data</c> of a tensor (flat or nested arrays, row-major) straight into the
/// canonical little-endian layout, with one range check per element. Never trusts the declared
/// shape for allocation beyond what the JSON text itself could hold.
/// </summary>
internal static class JsonTensorData
{
    /// <summary>
    /// Parses the value at the reader (an array, or a lone scalar) into a buffer that
    /// <paramref name="owner"/> takes. <paramref name="expectedCount"/> comes from the declared shape;
    /// <paramref name="jsonLength"/> bounds it (each JSON element takes at least one byte).
    /// </summary>
    public static ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, string name, DataType type, long expectedCount, int jsonLength, OwnedResources owner)
    {
        if (type == DataType.Bytes)
        {
            return ReadBytes(ref reader, name, expectedCount, owner);
        }

        // A shape declaring more elements than the JSON has characters is a lie; refuse before allocating.
        if (expectedCount > jsonLength)
        {
            throw MaasError.InvalidArgument($"Input '{name}' declares {expectedCount} elements, but the JSON body is only {jsonLength} bytes and cannot hold them; send a shape that matches 'data'.");
        }

        var size = type.ElementSize();
        if (expectedCount * size > Array.MaxLength)
        {
            throw MaasError.InvalidArgument($"Input '{name}' needs {expectedCount * size} bytes, more than one tensor can hold ({Array.MaxLength}); split the request.");
        }

        var buffer = new PooledBuffer((int)(expectedCount * size));
        owner.Add(buffer);
        var span = buffer.Span;
        long count = 0;
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
                case JsonTokenType.Number:
                case JsonTokenType.True:
                case JsonTokenType.False:
                    if (count >= expectedCount)
                    {
                        throw TooMany(name, expectedCount);
                    }

                    WriteElement(ref reader, name, type, count, span.Slice((int)count * size, size));
                    count++;
                    break;
                default:
                    throw MaasError.InvalidArgument($"Input '{name}' ({type.WireName()}) has a {Describe(reader.TokenType)} in 'data' at element {count}; expected numbers{(type == DataType.Bool ? " or true/false" : "")}.");
            }
        }
        while (depth > 0 && reader.Read());

        if (count != expectedCount)
        {
            throw MaasError.InvalidArgument($"Input '{name}' has {count} elements in 'data', but its shape needs {expectedCount}.");
        }

        return buffer.Memory;
    }

    private static ReadOnlyMemory<byte> ReadBytes(ref Utf8JsonReader reader, string name, long expectedCount, OwnedResources owner)
    {
        var writer = new PooledBufferWriter();
        owner.Add(writer);
        long count = 0;
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
                case JsonTokenType.String:
                    if (count >= expectedCount)
                    {
                        throw TooMany(name, expectedCount);
                    }

                    WriteString(ref reader, writer);
                    count++;
                    break;
                default:
                    throw MaasError.InvalidArgument($"Input '{name}' (BYTES) has a {Describe(reader.TokenType)} in 'data' at element {count}; BYTES elements are JSON strings.");
            }
        }
        while (depth > 0 && reader.Read());

        if (count != expectedCount)
        {
            throw MaasError.InvalidArgument($"Input '{name}' has {count} elements in 'data', but its shape needs {expectedCount}.");
        }

        return writer.WrittenMemory;
    }

    private static void WriteString(ref Utf8JsonReader reader, PooledBufferWriter writer)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            BytesElements.Write(writer, reader.ValueSpan);
            return;
        }

        // Unescaped text is never longer than its escaped form.
        var room = writer.GetSpan(BytesElements.PrefixSize + reader.ValueSpan.Length);
        var length = reader.CopyString(room[BytesElements.PrefixSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(room, (uint)length);
        writer.Advance(BytesElements.PrefixSize + length);
    }

    private static void WriteElement(ref Utf8JsonReader reader, string name, DataType type, long index, Span<byte> target)
    {
        if (type == DataType.Bool)
        {
            target[0] = reader.TokenType switch
            {
                JsonTokenType.True => 1,
                JsonTokenType.False => 0,
                _ => reader.TryGetInt32(out var b) && b is 0 or 1 ? (byte)b : throw OutOfRange(name, type, index, ref reader),
            };
            return;
        }

        if (reader.TokenType != JsonTokenType.Number)
        {
            throw MaasError.InvalidArgument($"Input '{name}' ({type.WireName()}) has {(reader.TokenType == JsonTokenType.True ? "true" : "false")} at element {index}; expected a number.");
        }

        var ok = type switch
        {
            DataType.UInt8 => reader.TryGetByte(out var v) && Put(target, v),
            DataType.UInt16 => reader.TryGetUInt16(out var v) && Put(target, v),
            DataType.UInt32 => reader.TryGetUInt32(out var v) && Put(target, v),
            DataType.UInt64 => reader.TryGetUInt64(out var v) && Put(target, v),
            DataType.Int8 => reader.TryGetSByte(out var v) && Put(target, v),
            DataType.Int16 => reader.TryGetInt16(out var v) && Put(target, v),
            DataType.Int32 => reader.TryGetInt32(out var v) && Put(target, v),
            DataType.Int64 => reader.TryGetInt64(out var v) && Put(target, v),
            DataType.Fp16 => reader.TryGetDouble(out var v) && Put(target, (Half)v),
            DataType.Bf16 => reader.TryGetSingle(out var v) && Put(target, BFloat16.FromSingle(v)),
            DataType.Fp32 => reader.TryGetSingle(out var v) && float.IsFinite(v) && Put(target, v),
            DataType.Fp64 => reader.TryGetDouble(out var v) && Put(target, v),
            _ => false,
        };

        if (!ok)
        {
            throw OutOfRange(name, type, index, ref reader);
        }
    }

    private static bool Put<T>(Span<byte> target, T value)
        where T : unmanaged
    {
        MemoryMarshal.Write(target, in value);
        return true;
    }

    private static MaasError OutOfRange(string name, DataType type, long index, ref Utf8JsonReader reader)
    {
        var text = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
        return MaasError.InvalidArgument($"Input '{name}' element {index} is {text}, which is not a valid {type.WireName()} value (wrong sign, fraction or out of range).");
    }

    private static MaasError TooMany(string name, long expectedCount) =>
        MaasError.InvalidArgument($"Input '{name}' has more elements in 'data' than its shape allows ({expectedCount}).");

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.StartObject => "object",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
