using System.Buffers.Binary;

namespace Maas.Tensors;

/// <summary>Reads and writes the length-prefixed layout of <see cref="DataType.Bytes"/> tensors.</summary>
public static class BytesElements
{
    /// <summary>Bytes taken by the length prefix of each element.</summary>
    public const int PrefixSize = 4;

    /// <summary>
    /// Counts the elements in <paramref name="data"/>. False (with the byte offset of the problem)
    /// when a length prefix is cut short or an element runs past the end.
    /// </summary>
    public static bool TryCount(ReadOnlySpan<byte> data, out long count, out int badOffset)
    {
        count = 0;
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < PrefixSize)
            {
                badOffset = offset;
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            offset += PrefixSize;
            if (length > (uint)(data.Length - offset))
            {
                badOffset = offset - PrefixSize;
                return false;
            }

            offset += (int)length;
            count++;
        }

        badOffset = -1;
        return true;
    }

    /// <summary>Appends one element (prefix + bytes) to <paramref name="writer"/>.</summary>
    public static void Write(System.Buffers.IBufferWriter<byte> writer, ReadOnlySpan<byte> element)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(PrefixSize + element.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)element.Length);
        element.CopyTo(span[PrefixSize..]);
        writer.Advance(PrefixSize + element.Length);
    }

    /// <summary>Enumerates elements without allocating. The data must be well formed (see <see cref="TryCount"/>).</summary>
    public static Enumerator Enumerate(ReadOnlySpan<byte> data) => new(data);

    /// <summary>A span-based enumerator over the elements of a BYTES tensor.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _next;

        internal Enumerator(ReadOnlySpan<byte> data)
        {
            _data = data;
            _next = 0;
            Current = default;
        }

        /// <summary>The current element's bytes (without the prefix).</summary>
        public ReadOnlySpan<byte> Current { get; private set; }

        /// <summary>Supports <c>foreach</c>.</summary>
        public readonly Enumerator GetEnumerator() => this;

        /// <summary>Moves to the next element.</summary>
        public bool MoveNext()
        {
            if (_next >= _data.Length)
            {
                return false;
            }

            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_data[_next..]);
            Current = _data.Slice(_next + PrefixSize, length);
            _next += PrefixSize + length;
            return true;
        }
    }
}
