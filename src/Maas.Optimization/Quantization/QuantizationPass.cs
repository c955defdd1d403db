using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Quantization;

/// <summary>
/// One run of the quantizer over a model's main graph: decides node by node, rewrites in place.
/// Split by concern: this file (driver, weight checks, embeddings), .Int8 (MatMulInteger), .Int4 (MatMulNBits).
/// </summary>
internal sealed partial class QuantizationPass
{
    private const string MicrosoftDomain = "com.microsoft";

    private readonly ModelProto _model;
    private readonly QuantizationOptions _options;
    private readonly IProgress<QuantizationProgress>? _progress;
    private readonly GraphEditor _editor;
    private readonly long _opset;
    private readonly List<NodeProto> _output = [];
    private readonly List<string> _quantized = [];
    private readonly List<SkippedNode> _skipped = [];
    private long _bytesBefore;
    private long _bytesAfter;

    public QuantizationPass(ModelProto model, QuantizationOptions options, IProgress<QuantizationProgress>? progress)
    {
        _model = model;
        _options = options;
        _progress = progress;
        _editor = new GraphEditor(model);
        _opset = ShapeInference.DefaultOpset(model);
    }

    public QuantizationResult Run()
    {
        var nodes = _model.Graph.Node.ToList();
        var candidates = nodes.Count(n => n.OpType is "MatMul" or "Gemm" or "Gather");
        var done = 0;
        foreach (var node in nodes)
        {
            var excluded = _options.ExcludedNodes.Contains(node.Name) && node.OpType is "MatMul" or "Gemm" or "Gather";
            var rewritten = excluded ? Skip(node, "excluded by the caller") : node.OpType switch
            {
                "MatMul" or "Gemm" => _options.Mode == QuantizationMode.WeightInt4 ? TryInt4(node) : TryInt8(node),
                "Gather" => TryGather(node),
                "Conv" or "ConvTranspose" => Skip(node, "convolutions are not quantized (ConvInteger has no fast kernel in ONNX Runtime's CPU provider)"),
                _ => false,
            };
            if (!rewritten)
            {
                _output.Add(node);
            }
            else
            {
                _quantized.Add(NodeAttributes.DisplayName(node));
            }

            if (node.OpType is "MatMul" or "Gemm" or "Gather")
            {
                _progress?.Report(new QuantizationProgress(++done, candidates));
            }
        }

        _model.Graph.Node.Clear();
        _model.Graph.Node.AddRange(_output);
        return new QuantizationResult(_model, _quantized, _skipped, _bytesBefore, _bytesAfter);
    }

    private bool Skip(NodeProto node, string reason)
    {
        _skipped.Add(new SkippedNode(NodeAttributes.DisplayName(node), node.OpType, reason));
        return false;
    }

    /// <summary>
    /// The weight of a MatMul or Gemm as a row-major [K, N] float matrix, or a reason to leave the node alone.
    /// </summary>
    private (float[] Weights, int K, int N, TensorProto Tensor)? Weight(NodeProto node, out string reason)
    {
        reason = string.Empty;
        var name = NodeAttributes.Input(node, 1);
        var tensor = _editor.Initializer(name);
        if (tensor is null)
        {
            reason = "its second input is computed at run time (activation × activation), not a stored weight";
            return null;
        }

        if (tensor.DataType != OnnxDataType.Float)
        {
            reason = $"its weight is {OnnxDataType.Name(tensor.DataType)}, not float";
            return null;
        }

        if (tensor.Dims.Count != 2)
        {
            reason = $"its weight has {tensor.Dims.Count} dimensions; only 2-D weights are quantized";
            return null;
        }

        if (ExternalData.IsExternal(tensor))
        {
            reason = "its weight is in an external data file that was not loaded";
            return null;
        }

        if (node.OpType == "Gemm" && NodeAttributes.Int(node, "transA", 0) != 0)
        {
            reason = "Gemm with transA=1 is not rewritten";
            return null;
        }

        var weights = TensorData.ReadFloats(tensor);
        var rows = checked((int)tensor.Dims[0]);
        var columns = checked((int)tensor.Dims[1]);
        if (node.OpType == "Gemm" && NodeAttributes.Int(node, "transB", 0) != 0)
        {
            return (WeightQuantization.Transpose(weights, rows, columns), columns, rows, tensor);
        }

        return (weights, rows, columns, tensor);
    }

    /// <summary>
    /// For a Gemm: the name of the bias to add after the product (beta folded in), "" for none,
    /// or null when the bias cannot be handled.
    /// </summary>
    private string? GemmBias(NodeProto node)
    {
        var c = NodeAttributes.Input(node, 2);
        if (node.OpType != "Gemm" || c.Length == 0)
        {
            return string.Empty;
        }

        var beta = NodeAttributes.Float(node, "beta", 1f);
        if (beta == 1f)
        {
            return c;
        }

        if (_editor.Initializer(c) is not { DataType: OnnxDataType.Float } bias || ExternalData.IsExternal(bias))
        {
            return null;
        }

        var values = TensorData.ReadFloats(bias);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= beta;
        }

        var scaled = TensorData.FromFloats(_editor.Unique(c + "_scaled"), values, [.. bias.Dims]);
        _editor.AddInitializer(scaled);
        _editor.ReleaseInitializer(c);
        return scaled.Name;
    }

    /// <summary>Embedding lookups: int8 table, Gather, then DequantizeLinear of the rows gathered.</summary>
    private bool TryGather(NodeProto node)
    {
        var tensor = _editor.Initializer(NodeAttributes.Input(node, 0));
        if (tensor is null)
        {
            return false; // Gathers over run-time values (shape arithmetic) are not candidates.
        }

        if (tensor.DataType != OnnxDataType.Float || tensor.Dims.Count != 2 || ExternalData.IsExternal(tensor))
        {
            return Skip(node, "only 2-D float tables are quantized");
        }

        if (NodeAttributes.Int(node, "axis", 0) != 0)
        {
            return Skip(node, "only lookups along axis 0 (rows) are quantized");
        }

        if (TensorData.ElementCount(tensor) < _options.MinimumGatherElements)
        {
            return Skip(node, $"the table has {TensorData.ElementCount(tensor)} elements, fewer than {_options.MinimumGatherElements}");
        }

        if (_opset < 10)
        {
            return Skip(node, $"DequantizeLinear needs opset 10; the model imports {_opset}");
        }

        var rows = checked((int)tensor.Dims[0]);
        var columns = checked((int)tensor.Dims[1]);
        // Per-axis DequantizeLinear exists from opset 13.
        var perChannel = _options.PerChannel && _opset >= 13;
        var (values, scales) = WeightQuantization.Symmetric(TensorData.ReadFloats(tensor), rows, columns, WeightQuantization.FullRangeMaxWeight, perChannel);

        var table = TensorData.FromInt8s(_editor.Unique(tensor.Name + "_quantized"), values, rows, columns);
        var scale = TensorData.FromFloats(_editor.Unique(tensor.Name + "_scale"), scales, perChannel ? [columns] : []);
        var zeroPoint = TensorData.FromInt8s(_editor.Unique(tensor.Name + "_zero_point"), new sbyte[scales.Length], perChannel ? [columns] : []);
        AddReplacement(tensor, table, scale, zeroPoint);

        var output = node.Output[0];
        var gathered = _editor.Unique(output + "_quantized");
        _output.Add(_editor.Node("Gather", NodeAttributes.DisplayName(node) + "_quant", [table.Name, node.Input[1]], [gathered], attributes: GraphEditor.IntAttribute("axis", 0)));
        var dequantize = _editor.Node("DequantizeLinear", NodeAttributes.DisplayName(node) + "_dequantize", [gathered, scale.Name, zeroPoint.Name], [output]);
        if (perChannel)
        {
            dequantize.Attribute.Add(GraphEditor.IntAttribute("axis", -1));
        }

        _output.Add(dequantize);
        return true;
    }

    /// <summary>Records the size change and swaps the original initializer for its replacements.</summary>
    private void AddReplacement(TensorProto original, params TensorProto[] replacements)
    {
        _bytesBefore += original.RawData.Length > 0 ? original.RawData.Length : original.FloatData.Count * sizeof(float);
        foreach (var tensor in replacements)
        {
            _editor.AddInitializer(tensor);
            _bytesAfter += tensor.RawData.Length;
        }

        _editor.ReleaseInitializer(original.Name);
    }
}
