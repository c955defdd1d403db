using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Quantization;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Pruning;

/// <summary>
/// Removes whole output channels of Conv/MatMul/Gemm layers and the matching inputs of the layers
/// that read them, so that tensors really shrink. A channel can go only when every path from the
/// layer's output reaches a layer that can be shrunk too, through element-wise operators and
/// pooling (see the .Region file); otherwise the layer is left as it was, with the reason.
/// </summary>
internal sealed partial class StructuredPruningPass
{
    private readonly ModelProto _model;
    private readonly PruningOptions _options;
    private readonly IProgress<PruningProgress>? _progress;
    private readonly GraphEditor _editor;
    private readonly ShapeInferenceResult _shapes;
    private readonly HashSet<string> _graphOutputs;

    /// <summary>Changed tensors by their current name, in the order they were first changed.</summary>
    private readonly Dictionary<string, PrunedTensor> _changed = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public StructuredPruningPass(ModelProto model, PruningOptions options, IProgress<PruningProgress>? progress)
    {
        _model = model;
        _options = options;
        _progress = progress;
        _editor = new GraphEditor(model);
        // Ranks are all the walk needs from shape inference; they do not change as channels go.
        _shapes = ShapeInference.Infer(model, InputShapes.Resolve(model, new Dictionary<string, long[]>(), []));
        _graphOutputs = new HashSet<string>(model.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
    }

    public (List<PrunedTensor> Tensors, List<SkippedNode> Skipped) Run()
    {
        var skipped = new List<SkippedNode>();
        var candidates = _model.Graph.Node.Where(PruningCandidates.IsCandidate).ToList();
        for (var i = 0; i < candidates.Count; i++)
        {
            var node = candidates[i];
            if (TryPrune(node) is { } reason)
            {
                skipped.Add(new SkippedNode(NodeAttributes.DisplayName(node), node.OpType, reason));
            }

            _progress?.Report(new PruningProgress(i + 1, candidates.Count));
        }

        return (_order.Where(_changed.ContainsKey).Select(n => _changed[n]).ToList(), skipped);
    }

    /// <summary>Prunes one producer; returns null when done, or why it was left alone.</summary>
    private string? TryPrune(NodeProto node)
    {
        if (PruningCandidates.Weight(_editor, node, _options, out var reason) is not { } weight)
        {
            return reason;
        }

        if (node.OpType == "Conv" && NodeAttributes.Int(node, "group", 1) != 1)
        {
            return $"grouped convolution (group={NodeAttributes.Int(node, "group", 1)}): its channels cannot be removed one by one";
        }

        if (node.OpType == "Gemm" && NodeAttributes.Int(node, "transA", 0) != 0)
        {
            return "Gemm with transA=1 is not pruned";
        }

        // The axis of the weight that holds output channels.
        var weightAxis = node.OpType switch
        {
            "Conv" => 0,
            "Gemm" => NodeAttributes.Int(node, "transB", 0) != 0 ? 0 : 1,
            _ => 1,
        };
        long[] dims = [.. weight.Dims];
        var channels = checked((int)dims[weightAxis]);
        var remove = Math.Min(channels - 1, (int)MagnitudePruning.Target(channels, _options.Sparsity));
        if (remove <= 0)
        {
            return $"removing {_options.Sparsity:P0} of its {channels} output channels rounds to none";
        }

        var hasBias = node.OpType is "Conv" or "Gemm" && NodeAttributes.Input(node, 2).Length > 0;
        if (hasBias && _editor.Initializer(node.Input[2]) is not { DataType: OnnxDataType.Float })
        {
            return "its bias is not a stored float tensor";
        }

        var output = node.Output[0];
        var rank = _shapes.Find(output)?.Rank ?? -1;
        if (rank < 2)
        {
            return "the rank of its output is not known to shape inference";
        }

        var walk = new RegionWalk(this, channels);
        if ((walk.Visit(output, node.OpType == "Conv" ? 1 : rank - 1) ?? walk.Finish()) is { } blocked)
        {
            return blocked;
        }

        var keep = TensorSlicing.Strongest(TensorSlicing.Norms(TensorData.ReadFloats(weight), dims, weightAxis, _options.Norm), remove);
        Slice(node, 1, weightAxis, keep, "output channels");
        if (hasBias && node.OpType == "Conv")
        {
            Slice(node, 2, 0, keep, "bias");
        }
        else if (hasBias)
        {
            SliceBroadcast(node, 2, output, keep, "bias"); // Gemm's C broadcasts against [M, N]
        }

        foreach (var action in walk.Actions)
        {
            Slice(action.Node, action.Input, action.Axis, keep, action.Role);
        }

        foreach (var value in walk.Values)
        {
            RemoveValueInfo(value);
        }

        return null;
    }

    /// <summary>Slices a broadcast constant (a bias) against a region value along its channel axis, when it has one.</summary>
    private void SliceBroadcast(NodeProto node, int input, string regionValue, int[] keep, string role)
    {
        var tensor = _editor.Initializer(node.Input[input])!;
        var rank = _shapes.Find(regionValue)?.Rank ?? -1;
        var axis = (node.OpType == "Conv" ? 1 : rank - 1) - (rank - tensor.Dims.Count);
        if (axis >= 0 && tensor.Dims[axis] != 1)
        {
            Slice(node, input, axis, keep, role);
        }
    }

    /// <summary>
    /// Keeps positions <paramref name="keep"/> of <paramref name="axis"/> in the initializer that
    /// <paramref name="node"/> reads at <paramref name="input"/>: in place when nothing else reads
    /// it, otherwise as a new initializer for this node only.
    /// </summary>
    private void Slice(NodeProto node, int input, int axis, int[] keep, string role)
    {
        var name = node.Input[input];
        var tensor = _editor.Initializer(name)!;
        long[] before = [.. tensor.Dims];
        var (values, after) = TensorSlicing.Keep(TensorData.ReadFloats(tensor), before, axis, keep);
        var target = tensor;
        if (_editor.Readers(name) > 1)
        {
            target = TensorData.FromFloats(_editor.Unique(name + "_pruned"), values, after);
            _editor.AddInitializer(target);
            node.Input[input] = target.Name;
            _editor.ReleaseInitializer(name);
        }
        else
        {
            TensorData.ReplaceFloats(tensor, values, after);
        }

        Record(name, target.Name, NodeAttributes.DisplayName(node), role, before, after, MagnitudePruning.CountZeros(values));
    }

    private void Record(string oldName, string newName, string node, string role, long[] before, long[] after, long zeros)
    {
        var elements = TensorTotal(after);
        if (oldName == newName && _changed.TryGetValue(oldName, out var earlier))
        {
            // Sliced again (a layer that lost input channels now loses output channels): one row, first shape kept.
            _changed[oldName] = earlier with { Role = earlier.Role + " + " + role, ShapeAfter = after, ElementsAfter = elements, Zeros = zeros };
            return;
        }

        _changed[newName] = new PrunedTensor(newName, node, role, before, after, TensorTotal(before), elements, zeros);
        _order.Add(newName);
    }

    private void RemoveValueInfo(string value)
    {
        var infos = _model.Graph.ValueInfo;
        for (var i = infos.Count - 1; i >= 0; i--)
        {
            if (infos[i].Name == value)
            {
                infos.RemoveAt(i); // its channel dimension changed; ONNX Runtime infers it again
            }
        }
    }

    private static long TensorTotal(long[] dims)
    {
        long count = 1;
        foreach (var dim in dims)
        {
            count *= dim;
        }

        return count;
    }
}
