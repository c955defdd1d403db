using System.Text;

namespace Maas.Tensors;

/// <summary>
/// An immutable tensor shape. In model metadata a dimension may be <see cref="Dynamic"/> (-1, as
/// the protocol writes it); in a request or response every dimension is concrete (≥ 0).
/// </summary>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    /// <summary>The value of a dimension whose size is decided per request.</summary>
    public const long Dynamic = -1;

    private readonly long[]? _dims;

    /// <summary>Wraps the given dimensions; the array is owned by the shape from then on and must not be changed.</summary>
    public TensorShape(long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        _dims = dims;
    }

    /// <summary>A rank-0 (scalar) shape.</summary>
    public static TensorShape Scalar { get; } = new([]);

    /// <summary>The dimensions.</summary>
    public ReadOnlySpan<long> Dimensions => _dims ?? [];

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The size of dimension <paramref name="index"/>.</summary>
    public long this[int index] => Dimensions[index];

    /// <summary>True if any dimension is <see cref="Dynamic"/>.</summary>
    public bool HasDynamicDimensions => Dimensions.IndexOf(Dynamic) >= 0;

    /// <summary>Creates a shape from the given dimensions (copied).</summary>
    public static TensorShape Of(params ReadOnlySpan<long> dims) => new(dims.ToArray());

    /// <summary>
    /// The product of the dimensions. False when a dimension is dynamic or negative, or the product
    /// exceeds <see cref="long.MaxValue"/> — a declared shape of billions of billions must not wrap.
    /// </summary>
    public bool TryGetElementCount(out long count)
    {
        count = 1;
        foreach (var d in Dimensions)
        {
            if (d < 0)
            {
                count = 0;
                return false;
            }

            if (d != 0 && count > long.MaxValue / d)
            {
                count = 0;
                return false;
            }

            count *= d;
        }

        return true;
    }

    /// <summary>The product of the dimensions; throws if the shape is not concrete or overflows.</summary>
    public long ElementCount => TryGetElementCount(out var n)
        ? n
        : throw new InvalidOperationException($"Shape {this} has no element count (dynamic or overflowing dimensions).");

    /// <summary>A copy of the dimensions, for APIs that need an array they may keep.</summary>
    public long[] ToArray() => Dimensions.ToArray();

    /// <inheritdoc/>
    public bool Equals(TensorShape other) => Dimensions.SequenceEqual(other.Dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var d in Dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    /// <summary>Protocol form, e.g. <c>[-1,3,224,224]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("[");
        var dims = Dimensions;
        for (var i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(dims[i]);
        }

        return sb.Append(']').ToString();
    }

    /// <summary>Equality of dimensions.</summary>
    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    /// <summary>Inequality of dimensions.</summary>
    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);
}
