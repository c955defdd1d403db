using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Pruning;

/// <summary>Which nodes carry a prunable weight, and why the others do not.</summary>
internal static class PruningCandidates
{
    /// <summary>The operators whose second input is a weight the pruner may change.</summary>
    public static bool IsCandidate(NodeProto node) => node.OpType is "MatMul" or "Gemm" or "Conv" && string.IsNullOrEmpty(node.Domain);

    /// <summary>The node's stored float weight, or null with the reason it cannot be pruned.</summary>
    public static TensorProto? Weight(GraphEditor editor, NodeProto node, PruningOptions options, out string reason)
    {
        reason = string.Empty;
        if (options.ExcludedNodes.Contains(node.Name))
        {
            reason = "excluded by the caller";
            return null;
        }

        var tensor = editor.Initializer(NodeAttributes.Input(node, 1));
        if (tensor is null)
        {
            reason = "its second input is computed at run time (activation × activation), not a stored weight";
            return null;
        }

        if (tensor.DataType != OnnxDataType.Float)
        {
            reason = $"its weight is {OnnxDataType.Name(tensor.DataType)}, not float (prune before quantizing)";
            return null;
        }

        if (ExternalData.IsExternal(tensor))
        {
            reason = "its weight is in an external data file that was not loaded";
            return null;
        }

        var rank = tensor.Dims.Count;
        if (node.OpType == "Conv" ? rank < 3 : rank != 2)
        {
            reason = $"its weight has {rank} dimensions; {(node.OpType == "Conv" ? "a Conv weight needs 3 or more" : "only 2-D weights are pruned")}";
            return null;
        }

        return tensor;
    }
}
