using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Shapes;

/// <summary>
/// Follows concrete shapes through a graph, node by node, given the shapes of its inputs.
/// </summary>
/// <remarks>
/// Covers the operators of CNNs (Conv, pooling, BatchNormalization, Gemm) and of BERT-style
/// transformers (MatMul, Gather, Reshape, Transpose, Softmax, Slice, reductions), plus the
/// quantized operators Maas writes. Shape arithmetic subgraphs (Shape → Gather → Unsqueeze →
/// Concat → Reshape) are evaluated on small int64 constants so that Reshape targets resolve.
/// An operator outside that set makes its outputs unknown and is listed, not guessed.
/// Split by concern into partial files: elementwise, matrix, convolution, tensor, constants.
/// </remarks>
internal sealed partial class ShapeInference
{
    /// <summary>Integer tensors up to this many elements are evaluated when they feed shape arithmetic.</summary>
    private const int MaxConstantElements = 64;

    private readonly Dictionary<string, TensorInfo> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> _constants = new(StringComparer.Ordinal);
    private readonly List<string> _unresolved = [];
    private readonly long _opset;

    private ShapeInference(long opset)
    {
        _opset = opset;
    }

    /// <summary>Infers every value's shape.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShapes">Concrete shapes for graph inputs (by name); missing inputs keep their declared shape.</param>
    public static ShapeInferenceResult Infer(ModelProto model, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShapes);
        var inference = new ShapeInference(DefaultOpset(model));
        var graph = model.Graph;
        foreach (var initializer in graph.Initializer)
        {
            inference.AddConstantTensor(initializer.Name, initializer);
        }

        foreach (var input in graph.Input)
        {
            if (inference._values.ContainsKey(input.Name))
            {
                continue; // IR < 4 lists initializers among the inputs too.
            }

            var elementType = input.Type?.TensorType?.ElemType ?? OnnxDataType.Undefined;
            var shape = inputShapes.TryGetValue(input.Name, out var given) ? given : DeclaredShape(input);
            inference._values[input.Name] = new TensorInfo(elementType, shape);
        }

        foreach (var node in graph.Node)
        {
            inference.InferNode(node);
        }

        return new ShapeInferenceResult(inference._values, inference._unresolved);
    }

    /// <summary>The version of the default (ai.onnx) operator set the model imports.</summary>
    public static long DefaultOpset(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var opset in model.OpsetImport)
        {
            if (string.IsNullOrEmpty(opset.Domain) || opset.Domain == "ai.onnx")
            {
                return opset.Version;
            }
        }

        return 1;
    }

    /// <summary>A declared input or output shape: fixed dims kept, symbolic or missing dims -1.</summary>
    public static long[]? DeclaredShape(ValueInfoProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shape = value.Type?.TensorType?.Shape;
        if (shape is null)
        {
            return null;
        }

        var dims = new long[shape.Dim.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            var dim = shape.Dim[i];
            dims[i] = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? dim.DimValue : -1;
        }

        return dims;
    }

    private void InferNode(NodeProto node)
    {
        bool handled;
        try
        {
            handled = TryElementwise(node) || TryMatrix(node) || TryConvolution(node) || TryTensor(node) || TryConstant(node);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException)
        {
            _unresolved.Add($"{NodeAttributes.DisplayName(node)} ({node.OpType}): {ex.Message}");
            handled = true;
        }

        if (!handled)
        {
            _unresolved.Add($"{NodeAttributes.DisplayName(node)} ({node.OpType}): operator not covered by shape inference");
        }

        foreach (var output in node.Output)
        {
            if (output.Length > 0 && !_values.ContainsKey(output))
            {
                _values[output] = new TensorInfo(OnnxDataType.Undefined, null);
            }
        }
    }

    private TensorInfo? Info(NodeProto node, int index)
    {
        var name = NodeAttributes.Input(node, index);
        return name.Length > 0 && _values.TryGetValue(name, out var info) ? info : null;
    }

    private long[]? Shape(NodeProto node, int index) => Info(node, index)?.Shape;

    private int ElementType(NodeProto node, int index) => Info(node, index)?.ElementType ?? OnnxDataType.Undefined;

    private long[]? Constant(NodeProto node, int index)
    {
        var name = NodeAttributes.Input(node, index);
        return name.Length > 0 && _constants.TryGetValue(name, out var value) ? value : null;
    }

    private void Set(NodeProto node, int index, int elementType, long[]? shape, long[]? constant = null)
    {
        if (index >= node.Output.Count || node.Output[index].Length == 0)
        {
            return;
        }

        var name = node.Output[index];
        _values[name] = new TensorInfo(elementType, shape);
        if (constant is not null && constant.Length <= MaxConstantElements)
        {
            _constants[name] = constant;
        }
    }

    private void AddConstantTensor(string name, TensorProto tensor)
    {
        _values[name] = new TensorInfo(tensor.DataType, [.. tensor.Dims]);
        if (TensorData.ElementCount(tensor) <= MaxConstantElements && TensorData.ReadIntegers(tensor) is { } values)
        {
            _constants[name] = values;
        }
    }

    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>.</summary>
    private static int Axis(long axis, int rank)
    {
        var normalized = axis < 0 ? axis + rank : axis;
        if (normalized < 0 || normalized >= rank)
        {
            throw new ArgumentException($"axis {axis} is out of range for rank {rank}");
        }

        return (int)normalized;
    }
}
