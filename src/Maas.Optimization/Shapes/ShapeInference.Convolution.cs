using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>Convolutions and pooling over NCHW-style (N, C, spatial...) tensors.</summary>
internal sealed partial class ShapeInference
{
    private bool TryConvolution(NodeProto node)
    {
        var x = Shape(node, 0);
        switch (node.OpType)
        {
            case "GlobalAveragePool":
            case "GlobalMaxPool":
            case "GlobalLpPool":
                Set(node, 0, ElementType(node, 0), x is null ? null : [x[0], x[1], .. Enumerable.Repeat(1L, x.Length - 2)]);
                return true;
            case "Conv":
            case "ConvInteger":
                {
                    var w = Shape(node, 1);
                    var elementType = node.OpType == "ConvInteger" ? OnnxDataType.Int32 : ElementType(node, 0);
                    if (x is null || w is null)
                    {
                        Set(node, 0, elementType, null);
                        return true;
                    }

                    var kernel = NodeAttributes.Ints(node, "kernel_shape") ?? w[2..];
                    Set(node, 0, elementType, [x[0], w[0], .. SpatialOutput(node, x[2..], kernel, ceilMode: false)]);
                    return true;
                }

            case "ConvTranspose":
                {
                    var w = Shape(node, 1);
                    if (x is null || w is null)
                    {
                        Set(node, 0, ElementType(node, 0), null);
                        return true;
                    }

                    var group = NodeAttributes.Int(node, "group", 1);
                    Set(node, 0, ElementType(node, 0), [x[0], w[1] * group, .. TransposedSpatialOutput(node, x[2..], NodeAttributes.Ints(node, "kernel_shape") ?? w[2..])]);
                    return true;
                }

            case "MaxPool":
            case "AveragePool":
            case "LpPool":
                {
                    if (x is null)
                    {
                        Set(node, 0, ElementType(node, 0), null);
                        return true;
                    }

                    var kernel = NodeAttributes.Ints(node, "kernel_shape") ?? throw new ArgumentException("kernel_shape is missing");
                    var ceil = NodeAttributes.Int(node, "ceil_mode", 0) != 0;
                    long[] shape = [x[0], x[1], .. SpatialOutput(node, x[2..], kernel, ceil)];
                    Set(node, 0, ElementType(node, 0), shape);
                    Set(node, 1, OnnxDataType.Int64, shape); // MaxPool's optional indices
                    return true;
                }

            default:
                return false;
        }
    }

    /// <summary>Output spatial sizes of a convolution or pooling window (auto_pad, pads, strides, dilations).</summary>
    private static long[] SpatialOutput(NodeProto node, long[] input, long[] kernel, bool ceilMode)
    {
        var rank = input.Length;
        var strides = NodeAttributes.Ints(node, "strides") ?? Ones(rank);
        var dilations = NodeAttributes.Ints(node, "dilations") ?? Ones(rank);
        var pads = NodeAttributes.Ints(node, "pads") ?? new long[rank * 2];
        var autoPad = NodeAttributes.String(node, "auto_pad", "NOTSET");
        var output = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            if (input[i] < 0)
            {
                output[i] = -1;
                continue;
            }

            var effective = ((kernel[i] - 1) * dilations[i]) + 1;
            if (autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                output[i] = (input[i] + strides[i] - 1) / strides[i];
                continue;
            }

            var padded = autoPad == "VALID" ? input[i] : input[i] + pads[i] + pads[i + rank];
            var span = padded - effective;
            output[i] = (ceilMode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
        }

        return output;
    }

    private static long[] TransposedSpatialOutput(NodeProto node, long[] input, long[] kernel)
    {
        var rank = input.Length;
        if (NodeAttributes.Ints(node, "output_shape") is { } explicitShape)
        {
            return explicitShape[^rank..];
        }

        var strides = NodeAttributes.Ints(node, "strides") ?? Ones(rank);
        var dilations = NodeAttributes.Ints(node, "dilations") ?? Ones(rank);
        var pads = NodeAttributes.Ints(node, "pads") ?? new long[rank * 2];
        var outputPadding = NodeAttributes.Ints(node, "output_padding") ?? new long[rank];
        var output = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            output[i] = input[i] < 0
                ? -1
                : (strides[i] * (input[i] - 1)) + outputPadding[i] + ((kernel[i] - 1) * dilations[i]) + 1 - pads[i] - pads[i + rank];
        }

        return output;
    }

    private static long[] Ones(int count)
    {
        var ones = new long[count];
        Array.Fill(ones, 1);
        return ones;
    }
}
