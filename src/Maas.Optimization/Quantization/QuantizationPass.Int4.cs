using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Quantization;

/// <summary>Weight-only 4-bit: MatMulNBits (com.microsoft) with block-wise scales, activations stay float.</summary>
internal sealed partial class QuantizationPass
{
    private bool TryInt4(NodeProto node)
    {
        if (Weight(node, out var reason) is not { } weight)
        {
            return Skip(node, reason);
        }

        var bias = GemmBias(node);
        if (bias is null)
        {
            return Skip(node, "its bias is computed at run time and beta is not 1");
        }

        var alpha = node.OpType == "Gemm" ? NodeAttributes.Float(node, "alpha", 1f) : 1f;
        var weights = weight.Weights;
        if (alpha != 1f)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] *= alpha;
            }
        }

        var blockSize = _options.BlockSize;
        var blocks = (weight.K + blockSize - 1) / blockSize;
        var (packed, scales) = WeightQuantization.Blockwise4Bit(weights, weight.K, weight.N, blockSize);
        var packedWeight = TensorData.FromBytes(_editor.Unique(weight.Tensor.Name + "_q4"), OnnxDataType.UInt8, packed, weight.N, blocks, blockSize / 2);
        var scaleTensor = TensorData.FromFloats(_editor.Unique(weight.Tensor.Name + "_q4_scale"), scales, scales.Length);
        AddReplacement(weight.Tensor, packedWeight, scaleTensor);
        GraphEditor.RequireOpset(_model, MicrosoftDomain, 1);

        var display = NodeAttributes.DisplayName(node);
        var output = node.Output[0];
        var product = bias.Length > 0 ? _editor.Unique(output + "_unbiased") : output;
        _output.Add(_editor.Node(
            "MatMulNBits",
            display + "_MatMulNBits",
            [node.Input[0], packedWeight.Name, scaleTensor.Name],
            [product],
            MicrosoftDomain,
            GraphEditor.IntAttribute("K", weight.K),
            GraphEditor.IntAttribute("N", weight.N),
            GraphEditor.IntAttribute("bits", 4),
            GraphEditor.IntAttribute("block_size", blockSize)));
        if (bias.Length > 0)
        {
            _output.Add(_editor.Node("Add", display + "_bias", [product, bias], [output]));
        }

        return true;
    }
}
