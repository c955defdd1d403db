namespace Maas.Optimization.Comparison;

/// <summary>What <c>maas compare</c> measured: size, speed and output agreement of two models on the same inputs.</summary>
public sealed record ComparisonReport
{
    /// <summary>The base model file.</summary>
    public required string BasePath { get; init; }

    /// <summary>The optimized model file.</summary>
    public required string OptimizedPath { get; init; }

    /// <summary>Base file size in bytes.</summary>
    public required long BaseBytes { get; init; }

    /// <summary>Optimized file size in bytes.</summary>
    public required long OptimizedBytes { get; init; }

    /// <summary>Optimized bytes / base bytes.</summary>
    public double SizeRatio => BaseBytes == 0 ? double.NaN : (double)OptimizedBytes / BaseBytes;

    /// <summary>Median base latency, milliseconds.</summary>
    public required double BaseMedianMs { get; init; }

    /// <summary>Median optimized latency, milliseconds.</summary>
    public required double OptimizedMedianMs { get; init; }

    /// <summary>Median of the per-pair ratios optimized / base (each pair run back to back).</summary>
    public required double LatencyRatio { get; init; }

    /// <summary>Timed runs per model.</summary>
    public required int Iterations { get; init; }

    /// <summary>Intra-op threads used for both sessions.</summary>
    public required int Threads { get; init; }

    /// <summary>The inputs both models received: name and shape as <c>1x128</c>.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Inputs { get; init; }

    /// <summary>One entry per output both models have.</summary>
    public required IReadOnlyList<OutputComparison> Outputs { get; init; }

    /// <summary>Notes: assumed dims, how values were generated, outputs only one model has.</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}
