using System.Text;
using CsCheck;
using Maas.Buffers;
using Maas.Tensors;

namespace Maas.Abstractions.Tests.Tensors;

public class BytesElementsTests
{
    [Fact]
    public void Write_PrefixesEachElementWithItsLittleEndianLength()
    {
        using var writer = new PooledBufferWriter();

        BytesElements.Write(writer, "abc"u8);
        BytesElements.Write(writer, []);

        Assert.Equal(new byte[] { 3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0, 0, 0, 0 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_WhenElementIsLong_WritesAllFourPrefixBytes()
    {
        using var writer = new PooledBufferWriter(16);
        var element = new byte[0x010203];

        BytesElements.Write(writer, element);

        Assert.Equal(new byte[] { 0x03, 0x02, 0x01, 0x00 }, writer.WrittenSpan[..4].ToArray());
        Assert.Equal(BytesElements.PrefixSize + element.Length, writer.WrittenCount);
    }

    [Fact]
    public void WriteCountEnumerate_RoundTripsElements()
    {
        string[] elements = ["hello", "", "wörld", "\0binary\0"];
        using var writer = new PooledBufferWriter(16);
        foreach (var element in elements)
        {
            BytesElements.Write(writer, Encoding.UTF8.GetBytes(element));
        }

        Assert.True(BytesElements.TryCount(writer.WrittenSpan, out var count, out var badOffset));
        Assert.Equal(elements.Length, count);
        Assert.Equal(-1, badOffset);
        var read = new List<string>();
        foreach (var element in BytesElements.Enumerate(writer.WrittenSpan))
        {
            read.Add(Encoding.UTF8.GetString(element));
        }

        Assert.Equal(elements, read);
    }

    [Fact]
    public void TryCount_WhenDataIsEmpty_IsZeroElements()
    {
        Assert.True(BytesElements.TryCount([], out var count, out var badOffset));
        Assert.Equal(0, count);
        Assert.Equal(-1, badOffset);
    }

    [Fact]
    public void Enumerate_WhenDataIsEmpty_YieldsNothing()
    {
        var enumerator = BytesElements.Enumerate([]);

        Assert.False(enumerator.MoveNext());
    }

    [Theory]
    [InlineData(new byte[] { 1 }, 0)]
    [InlineData(new byte[] { 1, 0, 0 }, 0)]
    [InlineData(new byte[] { 1, 0, 0, 0, 42, 5, 0 }, 5)]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 9 }, 8)]
    public void TryCount_WhenLengthPrefixIsCutShort_ReturnsFalseWithItsOffset(byte[] data, int expectedOffset)
    {
        Assert.False(BytesElements.TryCount(data, out _, out var badOffset));
        Assert.Equal(expectedOffset, badOffset);
    }

    [Theory]
    [InlineData(new byte[] { 5, 0, 0, 0, 1, 2, 3 }, 0)]
    [InlineData(new byte[] { 1, 0, 0, 0, 7, 2, 0, 0, 0, 1 }, 5)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2 }, 0)]
    [InlineData(new byte[] { 0, 0, 0, 0x80 }, 0)]
    public void TryCount_WhenElementRunsPastTheEnd_ReturnsFalseWithThePrefixOffset(byte[] data, int expectedOffset)
    {
        Assert.False(BytesElements.TryCount(data, out _, out var badOffset));
        Assert.Equal(expectedOffset, badOffset);
    }

    [Fact]
    public void TryCount_WhenElementEndsExactlyAtTheEnd_Succeeds()
    {
        Assert.True(BytesElements.TryCount(new byte[] { 2, 0, 0, 0, 1, 2 }, out var count, out _));
        Assert.Equal(1, count);
    }

    [Fact]
    public void Write_WhenWriterIsNull_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => BytesElements.Write(null!, "x"u8));
    }

    [Fact]
    public void WriteCountEnumerate_RoundTripsAnyElements()
    {
        Gen.Byte.Array[0, 70].Array[0, 20].Sample(elements =>
        {
            using var writer = new PooledBufferWriter(16);
            foreach (var element in elements)
            {
                BytesElements.Write(writer, element);
            }

            if (!BytesElements.TryCount(writer.WrittenSpan, out var count, out _) || count != elements.Length)
            {
                return false;
            }

            var i = 0;
            foreach (var element in BytesElements.Enumerate(writer.WrittenSpan))
            {
                if (i >= elements.Length || !element.SequenceEqual(elements[i]))
                {
                    return false;
                }

                i++;
            }

            return i == elements.Length;
        });
    }

    [Fact]
    public void TryCount_WhenWellFormedDataIsTruncated_ReturnsFalse()
    {
        Gen.Select(Gen.Byte.Array[0, 30].Array[1, 8], Gen.Int[1, 1000]).Sample((elements, cut) =>
        {
            using var writer = new PooledBufferWriter(16);
            foreach (var element in elements)
            {
                BytesElements.Write(writer, element);
            }

            var data = writer.WrittenSpan;
            var truncated = data[..(data.Length - 1 - (cut % data.Length))];
            // Cutting inside the last element (or its prefix) must be detected; cutting exactly at an
            // element boundary leaves well-formed data with fewer elements.
            return !BytesElements.TryCount(truncated, out var count, out _) || count < elements.Length;
        });
    }
}
