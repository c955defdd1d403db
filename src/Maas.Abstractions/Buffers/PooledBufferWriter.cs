using System.Buffers;

namespace Maas.Buffers;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over pooled arrays, for data whose size is not known
/// up front (BYTES tensors parsed from JSON, serialized responses). The creator owns it; disposing
/// returns the array, after which <see cref="WrittenMemory"/> must no longer be used.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    /// <summary>Starts with room for <paramref name="initialCapacity"/> bytes.</summary>
    public PooledBufferWriter(int initialCapacity = 256)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 16));
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => new(_array, 0, _written);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => new(_array, 0, _written);

    /// <summary>Number of bytes written.</summary>
    public int WrittenCount => _written;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>Forgets what was written, keeping the array.</summary>
    public void Clear() => _written = 0;

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        var array = _array;
        _array = [];
        _written = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed)
        {
            return;
        }

        var target = (long)_written + needed;
        var newSize = Math.Max(target, (long)_array.Length * 2);
        if (newSize > Array.MaxLength)
        {
            newSize = target <= Array.MaxLength
                ? Array.MaxLength
                : throw new InsufficientMemoryException($"A buffer cannot grow past {Array.MaxLength} bytes.");
        }

        var next = ArrayPool<byte>.Shared.Rent((int)newSize);
        _array.AsSpan(0, _written).CopyTo(next);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
    }
}
