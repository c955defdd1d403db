namespace Maas.Optimization.Quantization;

/// <summary>A node the quantizer could have changed but left as it was, and why.</summary>
public sealed record SkippedNode(string Name, string OpType, string Reason);
