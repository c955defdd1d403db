namespace Maas.Optimization.Pruning;

/// <summary>Index arithmetic for keeping some positions of one axis of a row-major tensor.</summary>
internal static class TensorSlicing
{
    /// <summary>
    /// The elements of a row-major tensor of <paramref name="dims"/> with only the positions
    /// <paramref name="keep"/> (ascending) of <paramref name="axis"/> left, and the new dims.
    /// </summary>
    public static (float[] Values, long[] Dims) Keep(ReadOnlySpan<float> values, long[] dims, int axis, int[] keep)
    {
        long outer = 1, inner = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        for (var i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        var length = checked((int)dims[axis]);
        var innerCount = checked((int)inner);
        var result = new float[checked(outer * keep.Length * inner)];
        var target = 0;
        for (long o = 0; o < outer; o++)
        {
            var block = checked((int)(o * length * inner));
            foreach (var k in keep)
            {
                values.Slice(block + (k * innerCount), innerCount).CopyTo(result.AsSpan(target, innerCount));
                target += innerCount;
            }
        }

        var newDims = (long[])dims.Clone();
        newDims[axis] = keep.Length;
        return (result, newDims);
    }

    /// <summary>The norm of each position along <paramref name="axis"/> over all other axes.</summary>
    public static double[] Norms(ReadOnlySpan<float> values, long[] dims, int axis, ChannelNorm norm)
    {
        long outer = 1, inner = 1;
        for (var i = 0; i < axis; i++)
        {
            outer *= dims[i];
        }

        for (var i = axis + 1; i < dims.Length; i++)
        {
            inner *= dims[i];
        }

        var length = checked((int)dims[axis]);
        var sums = new double[length];
        for (long o = 0; o < outer; o++)
        {
            for (var c = 0; c < length; c++)
            {
                var start = checked((int)(((o * length) + c) * inner));
                for (var i = 0; i < inner; i++)
                {
                    var w = values[start + i];
                    sums[c] += norm == ChannelNorm.L1 ? Math.Abs(w) : (double)w * w;
                }
            }
        }

        if (norm == ChannelNorm.L2)
        {
            for (var c = 0; c < length; c++)
            {
                sums[c] = Math.Sqrt(sums[c]);
            }
        }

        return sums;
    }

    /// <summary>
    /// The channels to keep (ascending) when <paramref name="remove"/> of them go: the ones with
    /// the largest norms; ties go to the lower index so results are deterministic.
    /// </summary>
    public static int[] Strongest(double[] norms, int remove)
    {
        var order = new int[norms.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => norms[a] != norms[b] ? norms[a].CompareTo(norms[b]) : b.CompareTo(a));
        var keep = order[remove..];
        Array.Sort(keep);
        return keep;
    }
}
