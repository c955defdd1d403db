namespace Maas.Optimization.Pruning;

/// <summary>Settings for <see cref="ModelPruner.Prune"/>.</summary>
public sealed record PruningOptions
{
    /// <summary>
    /// Fraction of weights (unstructured) or output channels (structured) to remove from each
    /// tensor, in [0, 1). Default 0.5. Counts are rounded to the nearest whole weight or channel;
    /// structured pruning always keeps at least one channel.
    /// </summary>
    public double Sparsity { get; init; } = 0.5;

    /// <summary>
    /// False (default): zero the smallest-magnitude weights of each MatMul/Gemm/Conv weight tensor;
    /// shapes and file size stay the same. True: remove whole output channels (Conv) or output
    /// columns (MatMul/Gemm) with the smallest norm, and the matching inputs of the next layer, so
    /// tensors and the file get smaller.
    /// </summary>
    public bool Structured { get; init; }

    /// <summary>Structured only: how a channel's weights are ranked. Default <see cref="ChannelNorm.L2"/>.</summary>
    public ChannelNorm Norm { get; init; } = ChannelNorm.L2;

    /// <summary>
    /// Names of MatMul/Gemm/Conv nodes whose weights stay as they are. In structured mode an
    /// excluded node keeps its output channels, but still loses input channels when the layer
    /// before it is pruned. Default: none.
    /// </summary>
    public IReadOnlySet<string> ExcludedNodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The options' problems, one line each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (double.IsNaN(Sparsity) || Sparsity < 0 || Sparsity >= 1)
        {
            errors.Add($"sparsity {Sparsity} is outside [0, 1): give the fraction of weights to remove, e.g. 0.5 for half.");
        }

        return errors;
    }
}
