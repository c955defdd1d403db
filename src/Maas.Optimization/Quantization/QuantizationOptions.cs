namespace Maas.Optimization.Quantization;

/// <summary>Settings for <see cref="ModelQuantizer.Quantize"/>.</summary>
public sealed record QuantizationOptions
{
    /// <summary>What to do. Default: <see cref="QuantizationMode.DynamicInt8"/>.</summary>
    public QuantizationMode Mode { get; init; } = QuantizationMode.DynamicInt8;

    /// <summary>
    /// One scale per output channel (MatMul column, embedding dimension) instead of one per tensor.
    /// More accurate, same speed. Default: false. Ignored by <see cref="QuantizationMode.WeightInt4"/>,
    /// which always has one scale per block.
    /// </summary>
    public bool PerChannel { get; init; }

    /// <summary>
    /// Dynamic int8 only: store MatMul weights as uint8 with zero point 128 and the full ±127 range,
    /// instead of int8 limited to ±63. Both avoid the int16 overflow of ONNX Runtime's uint8 × int8
    /// kernel on AVX2 CPUs without VNNI (GOTCHAS.md); uint8 weights keep one more bit of precision
    /// but run on the slower uint8 × uint8 kernel. Default: false.
    /// </summary>
    public bool UnsignedWeights { get; init; }

    /// <summary>Weights per scale along K for <see cref="QuantizationMode.WeightInt4"/>: a power of two, 16 or more. Default 32.</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>Embedding tables (Gather data) smaller than this many elements stay float. Default 4096.</summary>
    public long MinimumGatherElements { get; init; } = 4096;

    /// <summary>Names of nodes to leave in float (e.g. a layer that loses too much accuracy). Default: none.</summary>
    public IReadOnlySet<string> ExcludedNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The options' problems, one line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BlockSize < 16 || (BlockSize & (BlockSize - 1)) != 0)
        {
            errors.Add($"block size {BlockSize} must be a power of two, 16 or more (MatMulNBits requires it); try 32 or 128.");
        }

        if (MinimumGatherElements < 0)
        {
            errors.Add($"the minimum embedding table size {MinimumGatherElements} must not be negative.");
        }

        return errors;
    }
}
