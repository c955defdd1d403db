using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Quantization;

/// <summary>
/// Float32 to float16: every float initializer is stored as float16; a node computes in float16
/// when ONNX Runtime's CPU provider has a float16 kernel for it (<see cref="Float16KernelProbe"/>),
/// otherwise it stays float32 with Casts around it. Graph inputs and outputs stay float32.
/// </summary>
internal sealed class Float16Pass
{
    /// <summary>
    /// Operators that only move or select data: they follow their inputs (float16 when those
    /// already are), since converting one alone between float32 nodes would only add two Casts.
    /// </summary>
    private static readonly HashSet<string> Followers = new(StringComparer.Ordinal)
    {
        "Identity", "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Expand",
        "Split", "Tile", "Shape", "Size", "Cast", "Constant", "ConstantOfShape",
    };

    private readonly ModelProto _model;
    private readonly QuantizationOptions _options;
    private readonly IProgress<QuantizationProgress>? _progress;
    private readonly GraphEditor _editor;
    private readonly ShapeInferenceResult _shapes;
    private readonly Float16KernelProbe _probe;
    private readonly Dictionary<string, string> _half = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _full = new(StringComparer.Ordinal);
    private readonly List<NodeProto> _output = [];
    private readonly List<string> _converted = [];
    private readonly List<SkippedNode> _skipped = [];
    private readonly HashSet<string> _graphOutputs;
    private long _bytesBefore;
    private long _bytesAfter;

    public Float16Pass(ModelProto model, QuantizationOptions options, IProgress<QuantizationProgress>? progress)
    {
        _model = model;
        _options = options;
        _progress = progress;
        _editor = new GraphEditor(model);
        _shapes = ShapeInference.Infer(model, InputShapes.Resolve(model, new Dictionary<string, long[]>(), []));
        _probe = new Float16KernelProbe(model);
        _graphOutputs = new HashSet<string>(model.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
    }

    public QuantizationResult Run()
    {
        var graph = _model.Graph;
        foreach (var input in graph.Input)
        {
            _full[input.Name] = input.Name;
        }

        ConvertInitializers();
        var nodes = graph.Node.ToList();
        for (var i = 0; i < nodes.Count; i++)
        {
            Rewrite(nodes[i]);
            _progress?.Report(new QuantizationProgress(i + 1, nodes.Count));
        }

        graph.Node.Clear();
        graph.Node.AddRange(_output);
        foreach (var info in graph.ValueInfo)
        {
            if (info.Type?.TensorType is { ElemType: OnnxDataType.Float } tensor && _half.TryGetValue(info.Name, out var name) && name == info.Name)
            {
                tensor.ElemType = OnnxDataType.Float16;
            }
        }

        return new QuantizationResult(_model, _converted, _skipped, _bytesBefore, _bytesAfter);
    }

    private void ConvertInitializers()
    {
        var graph = _model.Graph;
        for (var i = 0; i < graph.Initializer.Count; i++)
        {
            var tensor = graph.Initializer[i];
            if (tensor.DataType != OnnxDataType.Float || ExternalData.IsExternal(tensor) || _editor.Initializer(tensor.Name) is null)
            {
                continue; // a graph input may replace an overridable initializer at run time: it stays float32
            }

            var half = TensorData.FromFloatsAsHalf(tensor.Name, TensorData.ReadFloats(tensor), [.. tensor.Dims]);
            _bytesBefore += TensorData.ElementCount(tensor) * sizeof(float);
            _bytesAfter += half.RawData.Length;
            graph.Initializer[i] = half;
            foreach (var input in graph.Input.Where(v => v.Name == tensor.Name && v.Type?.TensorType is not null))
            {
                input.Type.TensorType.ElemType = OnnxDataType.Float16; // IR < 4 lists initializers as inputs too
            }

            _full.Remove(tensor.Name);
            _half[tensor.Name] = tensor.Name;
        }
    }

    private void Rewrite(NodeProto node)
    {
        if (HasSubgraphs(node))
        {
            // Listed even when shape inference cannot type its outputs (If, Loop, Scan): the weights inside stay float32.
            _skipped.Add(new SkippedNode(NodeAttributes.DisplayName(node), node.OpType, "it has subgraphs, which are not converted (their weights stay float32)"));
            foreach (var output in node.Output.Where(IsFloat))
            {
                _full[output] = output;
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                if (IsFloat(node.Input[i]))
                {
                    node.Input[i] = Version(node.Input[i], half: false);
                }
            }

            _output.Add(node);
            return;
        }

        if (!node.Input.Concat(node.Output).Any(IsFloat))
        {
            _output.Add(node);
            return;
        }

        var reason = Decide(node);
        var toHalf = reason is null;
        for (var i = 0; i < node.Input.Count; i++)
        {
            if (IsFloat(node.Input[i]))
            {
                node.Input[i] = Version(node.Input[i], toHalf);
            }
        }

        if (!toHalf)
        {
            _skipped.Add(new SkippedNode(NodeAttributes.DisplayName(node), node.OpType, reason!));
            foreach (var output in node.Output.Where(IsFloat))
            {
                _full[output] = output;
            }

            _output.Add(node);
            return;
        }

        ConvertAttributes(node);
        _converted.Add(NodeAttributes.DisplayName(node));
        var casts = new List<NodeProto>();
        for (var i = 0; i < node.Output.Count; i++)
        {
            var output = node.Output[i];
            if (!IsFloat(output))
            {
                continue;
            }

            if (_graphOutputs.Contains(output))
            {
                // Graph outputs keep their float32 type: the node writes a float16 value, a Cast restores the name.
                var half = _editor.Unique(output + "_fp16");
                node.Output[i] = half;
                _half[output] = half;
                _full[output] = output;
                casts.Add(_editor.Node("Cast", output + "_to_fp32", [half], [output], attributes: GraphEditor.IntAttribute("to", OnnxDataType.Float)));
            }
            else
            {
                _half[output] = output;
            }
        }

        _output.Add(node);
        _output.AddRange(casts);
    }

    /// <summary>Null when the node should compute in float16, otherwise why it stays float32.</summary>
    private string? Decide(NodeProto node)
    {
        if (_options.ExcludedNodes.Contains(node.Name))
        {
            return "excluded by the caller";
        }

        var names = node.Input.Concat(node.Output).Where(n => n.Length > 0).ToList();
        if (names.Any(n => (_shapes.Find(n)?.ElementType ?? OnnxDataType.Undefined) == OnnxDataType.Undefined))
        {
            return "shape inference does not know the types of its values";
        }

        if (Followers.Contains(node.OpType) && string.IsNullOrEmpty(node.Domain) && node.Input.Where(IsFloat).Any(i => !_half.ContainsKey(i)))
        {
            return "its float inputs come from float32 nodes: converting it alone would only add Casts";
        }

        var inputs = node.Input.Where(n => n.Length > 0).Select(n => (n, Converted(n), _shapes.Find(n)!.Shape)).ToList();
        var outputs = node.Output.Where(n => n.Length > 0).Select(n => (n, Converted(n))).ToList();
        var probe = node.Clone();
        ConvertAttributes(probe);
        return _probe.Check(probe, inputs, outputs);
    }

    /// <summary>Float attributes that set an output type or value: Cast's target, Constant's tensors.</summary>
    private static void ConvertAttributes(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == OnnxDataType.Float)
            {
                attribute.I = OnnxDataType.Float16;
            }
            else if (node.OpType is "Constant" or "ConstantOfShape" && attribute.T is { DataType: OnnxDataType.Float } tensor)
            {
                attribute.T = TensorData.FromFloatsAsHalf(tensor.Name, TensorData.ReadFloats(tensor), [.. tensor.Dims]);
            }
        }
    }

    /// <summary>The name of <paramref name="value"/> in the wanted type, adding a Cast the first time it is needed.</summary>
    private string Version(string value, bool half)
    {
        var (wanted, other) = half ? (_half, _full) : (_full, _half);
        if (wanted.TryGetValue(value, out var name))
        {
            return name;
        }

        var source = other.GetValueOrDefault(value, value);
        var cast = _editor.Unique(value + (half ? "_fp16" : "_fp32"));
        _output.Add(_editor.Node("Cast", cast + "_Cast", [source], [cast], attributes: GraphEditor.IntAttribute("to", half ? OnnxDataType.Float16 : OnnxDataType.Float)));
        wanted[value] = cast;
        return cast;
    }

    private static bool HasSubgraphs(NodeProto node) => node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0);

    private bool IsFloat(string name) => name.Length > 0 && _shapes.Find(name)?.ElementType == OnnxDataType.Float;

    private int Converted(string name) => IsFloat(name) ? OnnxDataType.Float16 : _shapes.Find(name)!.ElementType;
}
