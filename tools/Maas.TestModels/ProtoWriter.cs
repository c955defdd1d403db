using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Maas.TestModels;

/// <summary>
/// A minimal protocol-buffers encoder: just the wire types ONNX needs (varint, 32-bit, length-delimited).
/// </summary>
/// <remarks>
/// Writing the handful of ONNX messages by hand keeps this project free of Google.Protobuf and of
/// generated code; test models only ever need to be written, never parsed.
/// Nested messages are encoded into their own writer first so the length prefix is known.
/// </remarks>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireFixed32 = 5;
    private const int WireLengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Writes an int64/int32/enum field as a varint (negative values use ten bytes, as protobuf requires).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>Writes a float field as little-endian fixed32.</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Writes a UTF-8 string field; protobuf strings are length-delimited bytes.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>Writes a bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Writes an embedded message whose body <paramref name="writeBody"/> produces.</summary>
    public void WriteMessage(int field, Action<ProtoWriter> writeBody)
    {
        var inner = new ProtoWriter();
        writeBody(inner);
        WriteBytes(field, inner.ToArray());
    }

    /// <summary>Writes a packed repeated int64 field (one length-delimited run of varints).</summary>
    /// <remarks>onnx.proto is proto2, where repeated scalars default to unpacked, but every conforming
    /// parser accepts both forms; packed is smaller.</remarks>
    public void WritePackedInt64(int field, IReadOnlyCollection<long> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var inner = new ProtoWriter();
        foreach (var value in values)
        {
            inner.WriteVarint(unchecked((ulong)value));
        }

        WriteBytes(field, inner.ToArray());
    }

    /// <summary>Writes a packed repeated float field (one length-delimited run of fixed32 values).</summary>
    public void WritePackedFloat(int field, IReadOnlyCollection<float> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        var bytes = new byte[values.Count * 4];
        var offset = 0;
        foreach (var value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset, 4), value);
            offset += 4;
        }

        WriteBytes(field, bytes);
    }

    /// <summary>Returns the bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }
}
