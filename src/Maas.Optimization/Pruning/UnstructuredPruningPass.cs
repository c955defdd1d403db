using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Quantization;

namespace Maas.Optimization.Pruning;

/// <summary>Zeroes the smallest-magnitude weights of every candidate tensor; shapes do not change.</summary>
internal sealed class UnstructuredPruningPass(ModelProto model, PruningOptions options, IProgress<PruningProgress>? progress)
{
    private readonly GraphEditor _editor = new(model);

    public (List<PrunedTensor> Tensors, List<SkippedNode> Skipped) Run()
    {
        var tensors = new List<PrunedTensor>();
        var skipped = new List<SkippedNode>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var candidates = model.Graph.Node.Where(PruningCandidates.IsCandidate).ToList();
        for (var i = 0; i < candidates.Count; i++)
        {
            var node = candidates[i];
            var display = NodeAttributes.DisplayName(node);
            if (PruningCandidates.Weight(_editor, node, options, out var reason) is not { } weight)
            {
                skipped.Add(new SkippedNode(display, node.OpType, reason));
            }
            else if (done.Add(weight.Name))
            {
                // A weight shared by several nodes is pruned once, for all of them.
                var values = TensorData.ReadFloats(weight);
                var zeros = MagnitudePruning.ZeroSmallest(values, MagnitudePruning.Target(values.Length, options.Sparsity));
                long[] dims = [.. weight.Dims];
                TensorData.ReplaceFloats(weight, values, dims);
                tensors.Add(new PrunedTensor(weight.Name, display, "zeroed", dims, dims, values.Length, values.Length, zeros));
            }

            progress?.Report(new PruningProgress(i + 1, candidates.Count));
        }

        return (tensors, skipped);
    }
}
