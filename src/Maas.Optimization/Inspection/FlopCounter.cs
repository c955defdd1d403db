using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Inspection;

/// <summary>
/// Counts the multiply-accumulates and floating-point operations of one node from inferred shapes.
/// </summary>
/// <remarks>
/// The rules (docs/design/onnx-graph-io.md): Conv MACs = N × C_out × H_out × W_out × (C_in/groups)
/// × kH × kW; MatMul MACs = output elements × K; Gemm M × N × K; FLOPs = 2 × MACs for those.
/// Elementwise operators with a floating-point output cost one FLOP per output element
/// (BatchNormalization 2, Softmax 3, LayerNormalization 5); pooling costs the window size per
/// output element; reductions one per input element. Bias additions inside Conv and Gemm, and
/// data movement (Reshape, Transpose, Gather, Concat, ...) count as 0.
/// </remarks>
internal static class FlopCounter
{
    /// <summary>The node's (MACs, FLOPs), or (0, 0) when its shapes are unknown.</summary>
    public static (long Macs, long Flops) Count(NodeProto node, ShapeInferenceResult shapes)
    {
        var output = node.Output.Count > 0 ? shapes.Find(node.Output[0]) : null;
        var outputElements = output?.ElementCount ?? -1;
        var input = shapes.Find(NodeAttributes.Input(node, 0));
        switch (node.OpType)
        {
            case "Conv":
            case "ConvInteger":
                {
                    var weight = shapes.Find(NodeAttributes.Input(node, 1))?.Shape;
                    return weight is null || outputElements < 0 ? (0, 0) : Macs(outputElements * TensorInfo.ElementsOf(weight[1..]));
                }

            case "ConvTranspose":
                {
                    var weight = shapes.Find(NodeAttributes.Input(node, 1))?.Shape;
                    var inputElements = input?.ElementCount ?? -1;
                    return weight is null || inputElements < 0 ? (0, 0) : Macs(inputElements * TensorInfo.ElementsOf(weight[1..]));
                }

            case "MatMul":
            case "MatMulInteger":
            case "FusedMatMul":
                return input?.Shape is { Length: > 0 } left && outputElements >= 0 && left[^1] >= 0 ? Macs(outputElements * left[^1]) : (0, 0);
            case "MatMulNBits":
                return outputElements >= 0 ? Macs(outputElements * NodeAttributes.Int(node, "K", 0)) : (0, 0);
            case "Gemm":
                {
                    if (input?.Shape is not { Length: 2 } a || outputElements < 0)
                    {
                        return (0, 0);
                    }

                    var k = NodeAttributes.Int(node, "transA", 0) != 0 ? a[0] : a[1];
                    return Macs(outputElements * k);
                }

            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                {
                    var kernel = NodeAttributes.Ints(node, "kernel_shape");
                    return kernel is null || outputElements < 0 ? (0, 0) : (0, outputElements * TensorInfo.ElementsOf(kernel));
                }

            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "GlobalLpPool":
                return (0, Math.Max(0, input?.ElementCount ?? 0));
            case "DequantizeLinear":
            case "QuantizeLinear":
            case "DynamicQuantizeLinear":
                return (0, Math.Max(0, input?.ElementCount ?? 0));
        }

        if (node.OpType.StartsWith("Reduce", StringComparison.Ordinal))
        {
            return (0, input is not null && OnnxDataType.IsFloat(input.ElementType) ? Math.Max(0, input.ElementCount) : 0);
        }

        if (ShapeInference.IsElementwise(node.OpType) && output is not null && OnnxDataType.IsFloat(output.ElementType) && outputElements >= 0)
        {
            var perElement = node.OpType switch
            {
                "BatchNormalization" => 2,
                "Softmax" or "LogSoftmax" => 3,
                "LayerNormalization" or "SkipLayerNormalization" => 5,
                "Identity" or "Dropout" => 0,
                _ => 1,
            };
            return (0, outputElements * perElement);
        }

        return (0, 0);
    }

    private static (long Macs, long Flops) Macs(long macs) => macs < 0 ? (0, 0) : (macs, 2 * macs);
}
