using System.Buffers;

namespace Maas.Buffers;

/// <summary>
/// A byte buffer rented from <see cref="ArrayPool{T}.Shared"/>. The creator owns it and must
/// dispose it exactly once; after that its memory belongs to the pool and must not be touched.
/// Tensors keep slices of such buffers; the request or response that owns the buffer outlives them.
/// </summary>
public sealed class PooledBuffer : IDisposable
{
    private byte[]? _array;

    /// <summary>Rents at least <paramref name="length"/> bytes; <see cref="Length"/> is exactly that.</summary>
    public PooledBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = length == 0 ? [] : ArrayPool<byte>.Shared.Rent(length);
        Length = length;
    }

    /// <summary>The usable length in bytes.</summary>
    public int Length { get; }

    /// <summary>The usable bytes.</summary>
    public Memory<byte> Memory => new(Array, 0, Length);

    /// <summary>The usable bytes.</summary>
    public Span<byte> Span => new(Array, 0, Length);

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer));

    /// <summary>Returns the array to the pool. Idempotent.</summary>
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
