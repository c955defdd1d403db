namespace Maas.Optimization.Shapes;

/// <summary>
/// What shape inference knows about one value: its element type and its shape, where a dimension
/// of -1 is unknown and a null shape means even the rank is unknown.
/// </summary>
internal sealed record TensorInfo(int ElementType, long[]? Shape)
{
    /// <summary>The number of axes, or -1 when unknown.</summary>
    public int Rank => Shape?.Length ?? -1;

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyKnown => Shape is not null && Array.TrueForAll(Shape, d => d >= 0);

    /// <summary>The product of the dimensions, or -1 when any is unknown.</summary>
    public long ElementCount => ElementsOf(Shape);

    /// <summary>The product of <paramref name="shape"/>'s dimensions, or -1 when any is unknown.</summary>
    public static long ElementsOf(long[]? shape)
    {
        if (shape is null)
        {
            return -1;
        }

        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                return -1;
            }

            count *= dim;
        }

        return count;
    }

    /// <summary>The shape as <c>1x3x224x224</c> (<c>?</c> for unknown dimensions and rank).</summary>
    public static string Format(long[]? shape)
    {
        if (shape is null)
        {
            return "?";
        }

        if (shape.Length == 0)
        {
            return "scalar";
        }

        return string.Join('x', Array.ConvertAll(shape, d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
