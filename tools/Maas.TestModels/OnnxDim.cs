namespace Maas.TestModels;

/// <summary>
/// One dimension of a graph input or output: a fixed size or a symbolic name such as <c>"batch"</c>.
/// </summary>
/// <remarks>
/// Symbolic dimensions are what exporters emit for dynamic axes, and what a server must treat as
/// "any size" (<c>-1</c> in KServe metadata). The implicit conversions let callers write
/// <c>AddInput("x", OnnxElementType.Float, "batch", 4)</c>.
/// </remarks>
public readonly record struct OnnxDim
{
    private OnnxDim(long? value, string? param)
    {
        Value = value;
        Param = param;
    }

    /// <summary>The fixed size, or <c>null</c> for a symbolic dimension.</summary>
    public long? Value { get; }

    /// <summary>The symbolic name, or <c>null</c> for a fixed dimension.</summary>
    public string? Param { get; }

    /// <summary>True when the dimension is a symbolic name.</summary>
    public bool IsSymbolic => Param is not null;

    /// <summary>A fixed-size dimension.</summary>
    public static OnnxDim FromInt64(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new OnnxDim(value, null);
    }

    /// <summary>A symbolic (dynamic) dimension.</summary>
    public static OnnxDim FromString(string param)
    {
        ArgumentException.ThrowIfNullOrEmpty(param);
        return new OnnxDim(null, param);
    }

    /// <summary>A fixed-size dimension.</summary>
    public static implicit operator OnnxDim(long value) => FromInt64(value);

    /// <summary>A fixed-size dimension.</summary>
    public static implicit operator OnnxDim(int value) => FromInt64(value);

    /// <summary>A symbolic (dynamic) dimension.</summary>
    public static implicit operator OnnxDim(string param) => FromString(param);

    /// <inheritdoc />
    public override string ToString() => Param ?? Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
