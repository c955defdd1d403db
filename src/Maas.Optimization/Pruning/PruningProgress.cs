namespace Maas.Optimization.Pruning;

/// <summary>How far the pruner is: candidate nodes (MatMul, Gemm, Conv) examined so far and in all.</summary>
public readonly record struct PruningProgress(int Done, int Total);
