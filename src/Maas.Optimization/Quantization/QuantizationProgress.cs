namespace Maas.Optimization.Quantization;

/// <summary>How far the quantizer is: candidate nodes (MatMul, Gemm, Gather) examined so far and in all.</summary>
public readonly record struct QuantizationProgress(int Done, int Total);
