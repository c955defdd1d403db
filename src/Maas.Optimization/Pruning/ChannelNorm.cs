namespace Maas.Optimization.Pruning;

/// <summary>How structured pruning ranks output channels: the smallest norm goes first.</summary>
public enum ChannelNorm
{
    /// <summary>Sum of squares of the channel's weights (square root taken).</summary>
    L2,

    /// <summary>Sum of absolute values of the channel's weights.</summary>
    L1,
}
