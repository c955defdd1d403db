using Maas.Buffers;

namespace Maas.Abstractions.Tests.Buffers;

public class PooledBufferWriterTests
{
    [Fact]
    public void Write_PastTheInitialCapacity_GrowsAndKeepsTheContent()
    {
        using var writer = new PooledBufferWriter(16);
        var expected = new byte[10_000];
        for (var i = 0; i < expected.Length; i++)
        {
            expected[i] = (byte)(i * 31);
        }

        // Small writes force several growths; every earlier byte must survive each one.
        for (var offset = 0; offset < expected.Length; offset += 7)
        {
            var chunk = expected.AsSpan(offset, Math.Min(7, expected.Length - offset));
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        Assert.Equal(expected.Length, writer.WrittenCount);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        Assert.Equal(expected, writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void GetMemory_WithALargeHint_GrowsAndKeepsTheContent()
    {
        using var writer = new PooledBufferWriter(16);
        "abc"u8.CopyTo(writer.GetSpan());
        writer.Advance(3);

        var memory = writer.GetMemory(100_000);

        Assert.True(memory.Length >= 100_000);
        Assert.Equal("abc"u8.ToArray(), writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    public void GetSpan_ReturnsAtLeastTheHintAndNeverEmpty(int hint)
    {
        using var writer = new PooledBufferWriter(16);

        Assert.True(writer.GetSpan(hint).Length >= Math.Max(hint, 1));
    }

    [Fact]
    public void Advance_PastTheEnd_Throws()
    {
        using var writer = new PooledBufferWriter(16);
        var available = writer.GetSpan().Length;

        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public void Advance_WhenNegative_Throws()
    {
        using var writer = new PooledBufferWriter();

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
    }

    [Fact]
    public void Clear_ForgetsWhatWasWritten()
    {
        using var writer = new PooledBufferWriter();
        writer.GetSpan(4);
        writer.Advance(4);

        writer.Clear();

        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenSpan.IsEmpty);
    }

    [Fact]
    public void Dispose_IsIdempotentAndEmptiesTheWriter()
    {
        var writer = new PooledBufferWriter();
        writer.GetSpan(10);
        writer.Advance(10);

        writer.Dispose();
        writer.Dispose();

        Assert.Equal(0, writer.WrittenCount);
        Assert.True(writer.WrittenMemory.IsEmpty);
    }
}
