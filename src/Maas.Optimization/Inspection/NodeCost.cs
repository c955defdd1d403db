namespace Maas.Optimization.Inspection;

/// <summary>The compute one node costs for the inspected input shapes.</summary>
/// <param name="Name">The node's name (or op type and first output when unnamed).</param>
/// <param name="OpType">The operator.</param>
/// <param name="Macs">Multiply-accumulates (Conv, MatMul, Gemm and their quantized forms; 0 for others).</param>
/// <param name="Flops">Floating-point operations: 2 × MACs, or the element count for elementwise work.</param>
/// <param name="OutputShape">The first output's shape (-1: unknown), or null when unknown.</param>
public sealed record NodeCost(string Name, string OpType, long Macs, long Flops, IReadOnlyList<long>? OutputShape);
