using System.Buffers.Binary;

namespace Maas.Tensors;

/// <summary>Where the rows (slices along the first dimension) of a tensor's data lie.</summary>
public static class TensorRows
{
    /// <summary>
    /// The byte offset at which each row of <paramref name="tensor"/> starts, for rows 0 to
    /// <paramref name="rows"/> (that one is the end of the data): a fixed stride, or found by
    /// walking the length prefixes of BYTES elements, which differ in size.
    /// </summary>
    public static Func<long, int> Offsets(Tensor tensor, long rows)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (rows == 0)
        {
            return static _ => 0;
        }

        if (tensor.DataType.IsFixedSize())
        {
            var stride = tensor.Data.Length / rows;
            return row => (int)(row * stride);
        }

        var elementsPerRow = tensor.Shape.ElementCount / rows;
        var starts = new int[rows + 1];
        var data = tensor.Data.Span;
        var offset = 0;
        for (long row = 0; row < rows; row++)
        {
            starts[row] = offset;
            for (long e = 0; e < elementsPerRow; e++)
            {
                offset += BytesElements.PrefixSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            }
        }

        starts[rows] = offset;
        return row => starts[row];
    }
}
