using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Maas.Buffers;
using Maas.Errors;
using Maas.Server.Frontends.KServe;
using Maas.Tensors;

namespace Maas.Server.Frontends.TfServing;

/// <summary>
/// Reads one tensor value of a TF Serving request — a scalar, a <c>{"b64": ...}</c> object or
/// nested lists — straight into the canonical layout of the model input's datatype, and infers
/// its shape from the nesting (TF Serving's dense-tensor rule: every list at one level has the
/// same length, and every scalar sits at the same depth).
/// </summary>
internal static class TfJsonValueReader
{
    /// <summary>
    /// Appends the elements of the value at the reader to <paramref name="target"/> and returns its
    /// shape. Leaves the reader on the value's last token. Throws InvalidArgument naming
    /// <paramref name="site"/> for a ragged value or an element the datatype cannot hold.
    /// </summary>
    public static long[] Read(ref Utf8JsonReader reader, DataType type, PooledBufferWriter target, TfValueSite site)
    {
        Span<long> dims = stackalloc long[TfServingJson.MaxDepth];
        Span<long> counts = stackalloc long[TfServingJson.MaxDepth];
        dims.Fill(-1);
        var depth = 0;
        var rank = -1;
        long elements = 0;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (rank >= 0 && depth >= rank)
                    {
                        throw Ragged(site, $"a list at nesting level {depth + 1}, where the first values sit at level {rank}");
                    }

                    if (depth > 0)
                    {
                        CountChild(dims, counts, depth - 1, site);
                    }

                    counts[depth] = 0;
                    depth++;
                    break;
                case JsonTokenType.EndArray:
                    depth--;
                    if (dims[depth] < 0)
                    {
                        dims[depth] = counts[depth];
                        if (counts[depth] == 0 && rank < 0)
                        {
                            rank = depth + 1;
                        }
                    }
                    else if (counts[depth] != dims[depth])
                    {
                        throw Ragged(site, $"a list at nesting level {depth + 1} with {counts[depth]} items, where the first list at that level has {dims[depth]}");
                    }

                    break;
                default:
                    if (rank < 0)
                    {
                        rank = depth;
                    }
                    else if (depth != rank)
                    {
                        throw Ragged(site, $"a value at nesting level {depth}, where the first values sit at level {rank}");
                    }

                    if (depth > 0)
                    {
                        CountChild(dims, counts, depth - 1, site);
                    }

                    WriteElement(ref reader, type, target, site, elements);
                    elements++;
                    break;
            }
        }
        while (depth > 0 && reader.Read());

        return dims[..rank].ToArray();
    }

    /// <summary>True when the reader is on <c>{"b64": "..."}</c> — TF Serving's binary value, not a map of named inputs.</summary>
    public static bool IsBase64Object(Utf8JsonReader reader)
    {
        // The reader is a struct: this walks a copy and leaves the caller's where it was.
        return reader.TokenType == JsonTokenType.StartObject
            && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("b64"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.String
            && reader.Read() && reader.TokenType == JsonTokenType.EndObject;
    }

    private static void CountChild(Span<long> dims, Span<long> counts, int level, TfValueSite site)
    {
        counts[level]++;
        if (dims[level] >= 0 && counts[level] > dims[level])
        {
            throw Ragged(site, $"a list at nesting level {level + 1} with more than {dims[level]} items, where the first list at that level has {dims[level]}");
        }
    }

    private static MaasError Ragged(TfValueSite site, string what) =>
        MaasError.InvalidArgument($"The value of {site} is not a dense tensor: it has {what}. Every list at one level must have the same length (a rectangular nested list); pad the rows to one length.");

    private static void WriteElement(ref Utf8JsonReader reader, DataType type, PooledBufferWriter target, TfValueSite site, long index)
    {
        if (type == DataType.Bytes)
        {
            WriteBytes(ref reader, target, site, index);
            return;
        }

        var size = type.ElementSize();
        var span = target.GetSpan(size)[..size];
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!TryWriteNumber(ref reader, type, span, out var problem))
                {
                    throw MaasError.InvalidArgument($"Element {index} of {site} is {Encoding.UTF8.GetString(reader.ValueSpan)}, {problem}.");
                }

                break;
            case JsonTokenType.True or JsonTokenType.False when type == DataType.Bool:
                span[0] = reader.TokenType == JsonTokenType.True ? (byte)1 : (byte)0;
                break;
            case JsonTokenType.String when type.IsFloatingPoint() && TryNonFinite(ref reader, out var special):
                WriteFloat(type, special, span);
                break;
            default:
                throw MaasError.InvalidArgument($"Element {index} of {site} is {Describe(ref reader)}, but the model's input is {type.TfName()} ({type.WireName()}), which takes {Expected(type)}; send {Expected(type)}.");
        }

        target.Advance(size);
    }

    // Converts a JSON number exactly as the KServe v2 path does (so both give the same bits), then
    // checks what the KServe path leaves to the client: overflow and integers a float cannot hold.
    private static bool TryWriteNumber(ref Utf8JsonReader reader, DataType type, Span<byte> target, out string problem)
    {
        problem = $"which is not a {type.TfName()} value ({Range(type)})";
        switch (type)
        {
            case DataType.Bool:
                problem = $"but the model's input is {type.TfName()}, which takes true or false";
                return false;
            case DataType.UInt8: return reader.TryGetByte(out var u8) && Put(target, u8);
            case DataType.UInt16: return reader.TryGetUInt16(out var u16) && Put(target, u16);
            case DataType.UInt32: return reader.TryGetUInt32(out var u32) && Put(target, u32);
            case DataType.UInt64: return reader.TryGetUInt64(out var u64) && Put(target, u64);
            case DataType.Int8: return reader.TryGetSByte(out var i8) && Put(target, i8);
            case DataType.Int16: return reader.TryGetInt16(out var i16) && Put(target, i16);
            case DataType.Int32: return reader.TryGetInt32(out var i32) && Put(target, i32);
            case DataType.Int64: return reader.TryGetInt64(out var i64) && Put(target, i64);
        }

        double value;
        switch (type)
        {
            case DataType.Fp32:
                if (!reader.TryGetSingle(out var single) || !float.IsFinite(single))
                {
                    return false;
                }

                value = single;
                Put(target, single);
                break;
            case DataType.Fp64:
                if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
                {
                    return false;
                }

                Put(target, value);
                break;
            case DataType.Fp16:
                if (!reader.TryGetDouble(out var wide) || !Half.IsFinite((Half)wide))
                {
                    return false;
                }

                value = (double)(Half)wide;
                Put(target, (Half)wide);
                break;
            default:
                if (!reader.TryGetSingle(out var narrow) || !float.IsFinite(BFloat16.ToSingle(BFloat16.FromSingle(narrow))))
                {
                    return false;
                }

                value = BFloat16.ToSingle(BFloat16.FromSingle(narrow));
                Put(target, BFloat16.FromSingle(narrow));
                break;
        }

        // An integer written in the JSON must arrive unchanged (TF Serving refuses lossy ones too);
        // decimal fractions are approximations in any binary float, so they round to nearest.
        if (reader.TryGetInt64(out var integer) && !IsExactly(value, integer))
        {
            problem = $"an integer that {type.TfName()} cannot hold exactly (it would become {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}); send a value the type can represent, or round it on the client";
            return false;
        }

        return true;
    }

    private static bool IsExactly(double value, long integer) =>
        value >= -9223372036854775808.0 && value < 9223372036854775808.0 && (long)value == integer;

    private static void WriteFloat(DataType type, double value, Span<byte> target)
    {
        switch (type)
        {
            case DataType.Fp16: Put(target, (Half)value); break;
            case DataType.Bf16: Put(target, BFloat16.FromSingle((float)value)); break;
            case DataType.Fp32: Put(target, (float)value); break;
            default: Put(target, value); break;
        }
    }

    // "NaN", "Infinity", "-Infinity": TF Serving's tokens, quoted by NonFiniteLiterals (or sent as strings).
    private static bool TryNonFinite(ref Utf8JsonReader reader, out double value)
    {
        value = reader.ValueTextEquals("NaN"u8) ? double.NaN
            : reader.ValueTextEquals("Infinity"u8) ? double.PositiveInfinity
            : reader.ValueTextEquals("-Infinity"u8) ? double.NegativeInfinity
            : 0;
        return value != 0;
    }

    private static void WriteBytes(ref Utf8JsonReader reader, PooledBufferWriter target, TfValueSite site, long index)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            // Unescaped text is never longer than its escaped form.
            var room = target.GetSpan(BytesElements.PrefixSize + reader.ValueSpan.Length);
            var length = reader.ValueIsEscaped ? reader.CopyString(room[BytesElements.PrefixSize..]) : Copy(reader.ValueSpan, room[BytesElements.PrefixSize..]);
            BinaryPrimitives.WriteUInt32LittleEndian(room, (uint)length);
            target.Advance(BytesElements.PrefixSize + length);
            return;
        }

        if (!IsBase64Object(reader))
        {
            throw MaasError.InvalidArgument($"Element {index} of {site} is {Describe(ref reader)}, but the model's input is DT_STRING (BYTES), which takes strings, or {{\"b64\": \"<base64>\"}} for binary data.");
        }

        reader.Read();
        reader.Read();
        ReadOnlySpan<byte> text = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        var span = target.GetSpan(BytesElements.PrefixSize + Base64.GetMaxDecodedFromUtf8Length(text.Length));
        var status = Base64.DecodeFromUtf8(text, span[BytesElements.PrefixSize..], out _, out var written);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw MaasError.InvalidArgument($"Element {index} of {site} has a \"b64\" value that is not valid base64 ({status}); encode the bytes with standard base64 (A-Z, a-z, 0-9, '+', '/', padded with '='), e.g. Python's base64.b64encode(data).decode().");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)written);
        target.Advance(BytesElements.PrefixSize + written);
        reader.Read();
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
    {
        source.CopyTo(target);
        return source.Length;
    }

    private static bool Put<T>(Span<byte> target, T value)
        where T : unmanaged
    {
        MemoryMarshal.Write(target, in value);
        return true;
    }

    private static string Expected(DataType type) => type switch
    {
        DataType.Bool => "true or false",
        DataType.Bytes => "strings",
        _ when type.IsFloatingPoint() => "JSON numbers (or NaN, Infinity, -Infinity)",
        _ => "JSON integers",
    };

    private static string Range(DataType type) => type switch
    {
        DataType.UInt8 => "an integer from 0 to 255",
        DataType.UInt16 => "an integer from 0 to 65535",
        DataType.UInt32 => "an integer from 0 to 4294967295",
        DataType.UInt64 => "an integer from 0 to 18446744073709551615",
        DataType.Int8 => "an integer from -128 to 127",
        DataType.Int16 => "an integer from -32768 to 32767",
        DataType.Int32 => "an integer from -2147483648 to 2147483647",
        DataType.Int64 => "an integer from -9223372036854775808 to 9223372036854775807",
        DataType.Fp16 => "a number within ±65504",
        DataType.Bf16 => "a number within ±3.39E+38",
        DataType.Fp32 => "a number within ±3.4028235E+38",
        _ => "a finite number",
    };

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        _ => reader.TokenType.ToString(),
    };
}
