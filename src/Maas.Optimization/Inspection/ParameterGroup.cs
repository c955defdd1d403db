namespace Maas.Optimization.Inspection;

/// <summary>Initializers (weights, biases, constant tables) of one element type.</summary>
/// <param name="ElementType">The ONNX element type name (<c>float</c>, <c>int8</c>, ...).</param>
/// <param name="Tensors">How many initializers have this type.</param>
/// <param name="Elements">Their element count (for packed 4-bit weights stored as uint8, bytes).</param>
/// <param name="Bytes">Their size in bytes.</param>
public sealed record ParameterGroup(string ElementType, int Tensors, long Elements, long Bytes);
