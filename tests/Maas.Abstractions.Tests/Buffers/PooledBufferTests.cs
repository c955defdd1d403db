using Maas.Buffers;

namespace Maas.Abstractions.Tests.Buffers;

public class PooledBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(4097)]
    public void Length_IsExactlyWhatWasAsked(int length)
    {
        using var buffer = new PooledBuffer(length);

        Assert.Equal(length, buffer.Length);
        Assert.Equal(length, buffer.Span.Length);
        Assert.Equal(length, buffer.Memory.Length);
    }

    [Fact]
    public void Span_AndMemory_ShareTheSameBytes()
    {
        using var buffer = new PooledBuffer(4);

        buffer.Span.Fill(7);

        Assert.Equal(new byte[] { 7, 7, 7, 7 }, buffer.Memory.ToArray());
    }

    [Fact]
    public void Constructor_WhenLengthIsNegative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PooledBuffer(-1));
    }

    [Fact]
    public void Dispose_IsIdempotent()
    {
        var buffer = new PooledBuffer(32);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    [Fact]
    public void Memory_AfterDispose_Throws()
    {
        var buffer = new PooledBuffer(8);
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }

    [Fact]
    public void Dispose_WhenLengthIsZero_IsIdempotent()
    {
        var buffer = new PooledBuffer(0);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }
}
