using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Quantization;

/// <summary>Dynamic int8: DynamicQuantizeLinear(X) → MatMulInteger(Xq, Wq, Xzp) → Cast → × (Xscale · Wscale).</summary>
internal sealed partial class QuantizationPass
{
    /// <summary>Activations already quantized: value name → (quantized, scale, zero point).</summary>
    private readonly Dictionary<string, (string Values, string Scale, string ZeroPoint)> _dynamicInputs = new(StringComparer.Ordinal);

    private bool TryInt8(NodeProto node)
    {
        if (_opset < 11)
        {
            return Skip(node, $"DynamicQuantizeLinear needs opset 11; the model imports {_opset}");
        }

        if (Weight(node, out var reason) is not { } weight)
        {
            return Skip(node, reason);
        }

        var bias = GemmBias(node);
        if (bias is null)
        {
            return Skip(node, "its bias is computed at run time and beta is not 1");
        }

        var display = NodeAttributes.DisplayName(node);
        var maxWeight = _options.UnsignedWeights ? WeightQuantization.FullRangeMaxWeight : WeightQuantization.MatMulIntegerMaxWeight;
        var (values, scales) = WeightQuantization.Symmetric(weight.Weights, weight.K, weight.N, maxWeight, _options.PerChannel);
        var alpha = node.OpType == "Gemm" ? NodeAttributes.Float(node, "alpha", 1f) : 1f;
        if (alpha != 1f)
        {
            for (var i = 0; i < scales.Length; i++)
            {
                scales[i] *= alpha;
            }
        }

        var quantizedWeight = _options.UnsignedWeights
            ? TensorData.FromBytes(_editor.Unique(weight.Tensor.Name + "_quantized"), OnnxDataType.UInt8, WeightQuantization.ToUnsigned(values), weight.K, weight.N)
            : TensorData.FromInt8s(_editor.Unique(weight.Tensor.Name + "_quantized"), values, weight.K, weight.N);
        var weightScale = TensorData.FromFloats(_editor.Unique(weight.Tensor.Name + "_scale"), scales, _options.PerChannel ? [weight.N] : []);
        TensorProto? weightZeroPoint = null;
        if (_options.UnsignedWeights)
        {
            weightZeroPoint = TensorData.FromBytes(_editor.Unique(weight.Tensor.Name + "_zero_point"), OnnxDataType.UInt8, [WeightQuantization.UnsignedZeroPoint]);
            AddReplacement(weight.Tensor, quantizedWeight, weightScale, weightZeroPoint);
        }
        else
        {
            AddReplacement(weight.Tensor, quantizedWeight, weightScale);
        }

        var input = node.Input[0];
        if (!_dynamicInputs.TryGetValue(input, out var activation))
        {
            activation = (_editor.Unique(input + "_quantized"), _editor.Unique(input + "_scale"), _editor.Unique(input + "_zero_point"));
            _output.Add(_editor.Node("DynamicQuantizeLinear", input + "_DynamicQuantizeLinear", [input], [activation.Values, activation.Scale, activation.ZeroPoint]));
            _dynamicInputs[input] = activation;
        }

        var output = node.Output[0];
        var product = _editor.Unique(output + "_int32");
        var asFloat = _editor.Unique(output + "_float");
        var scale = _editor.Unique(output + "_scale");
        var scaled = bias.Length > 0 ? _editor.Unique(output + "_unbiased") : output;
        _output.Add(_editor.Node("MatMulInteger", display + "_MatMulInteger", weightZeroPoint is null
            ? [activation.Values, quantizedWeight.Name, activation.ZeroPoint]
            : [activation.Values, quantizedWeight.Name, activation.ZeroPoint, weightZeroPoint.Name], [product]));
        _output.Add(_editor.Node("Cast", display + "_Cast", [product], [asFloat], attributes: GraphEditor.IntAttribute("to", OnnxDataType.Float)));
        _output.Add(_editor.Node("Mul", display + "_scale", [activation.Scale, weightScale.Name], [scale]));
        _output.Add(_editor.Node("Mul", display + "_rescale", [asFloat, scale], [scaled]));
        if (bias.Length > 0)
        {
            _output.Add(_editor.Node("Add", display + "_bias", [scaled, bias], [output]));
        }

        return true;
    }
}
