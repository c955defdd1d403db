using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Quantization;

/// <summary>What <see cref="ModelQuantizer.Quantize"/> did.</summary>
/// <param name="Model">The quantized model (the same instance that was passed in, changed in place).</param>
/// <param name="QuantizedNodes">Names of the nodes that were rewritten.</param>
/// <param name="SkippedNodes">Candidate nodes left as they were, with the reason.</param>
/// <param name="WeightBytesBefore">Bytes of the initializers that were replaced.</param>
/// <param name="WeightBytesAfter">Bytes of their quantized replacements (values and scales).</param>
public sealed record QuantizationResult(
    ModelProto Model,
    IReadOnlyList<string> QuantizedNodes,
    IReadOnlyList<SkippedNode> SkippedNodes,
    long WeightBytesBefore,
    long WeightBytesAfter);
