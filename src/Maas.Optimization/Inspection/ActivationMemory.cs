using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Inspection;

/// <summary>
/// Estimates peak activation memory: run the nodes in graph order, allocate each output when its
/// node runs, free it after its last reader; graph inputs live from the start and graph outputs to
/// the end. Initializers and Constant outputs are weights, not activations. An engine that reuses
/// buffers in place can do better; one that keeps everything does worse.
/// </summary>
internal static class ActivationMemory
{
    /// <summary>The peak in bytes and the node during which it occurs.</summary>
    public static (long Bytes, string? Node) Peak(GraphProto graph, ShapeInferenceResult shapes)
    {
        var nodes = graph.Node;
        var weights = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node.OpType == "Constant")
            {
                weights.UnionWith(node.Output);
            }
        }

        // Last node index that reads each value; graph outputs are read "after the last node".
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input)
            {
                lastUse[input] = i;
            }
        }

        foreach (var output in graph.Output)
        {
            lastUse[output.Name] = nodes.Count;
        }

        // Bytes freed after node i runs.
        var freedAfter = new long[nodes.Count + 1];
        long live = 0;
        foreach (var input in graph.Input)
        {
            if (!weights.Contains(input.Name))
            {
                var bytes = Bytes(shapes, input.Name);
                live += bytes;
                freedAfter[lastUse.GetValueOrDefault(input.Name, 0)] += bytes;
            }
        }

        long peak = live;
        string? peakNode = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.OpType != "Constant")
            {
                foreach (var output in node.Output)
                {
                    if (output.Length == 0)
                    {
                        continue;
                    }

                    var bytes = Bytes(shapes, output);
                    live += bytes;
                    // An output nobody reads is freed right after its node.
                    freedAfter[lastUse.GetValueOrDefault(output, i)] += bytes;
                }
            }

            if (live > peak)
            {
                peak = live;
                peakNode = NodeAttributes.DisplayName(node);
            }

            live -= freedAfter[i];
        }

        return (peak, peakNode);
    }

    private static long Bytes(ShapeInferenceResult shapes, string name)
    {
        var info = shapes.Find(name);
        if (info is null || info.ElementCount < 0)
        {
            return 0;
        }

        return OnnxDataType.ByteCount(info.ElementType, info.ElementCount);
    }
}
