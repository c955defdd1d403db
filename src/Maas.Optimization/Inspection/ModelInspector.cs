using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Shapes;

namespace Maas.Optimization.Inspection;

/// <summary>Computes a <see cref="ModelReport"/>: what a model is, what it stores, what one run costs.</summary>
public static class ModelInspector
{
    /// <summary>Reads and inspects a model file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="inputShapes">Concrete input shapes by input name (see <see cref="InputShapes.Parse"/>).</param>
    public static ModelReport Inspect(string path, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        var model = OnnxModelFile.Read(path);
        return Inspect(model, path, new FileInfo(path).Length, inputShapes);
    }

    /// <summary>Inspects a model already in memory.</summary>
    public static ModelReport Inspect(ModelProto model, string path, long fileBytes, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShapes);
        var assumptions = new List<string>();
        var resolved = InputShapes.Resolve(model, inputShapes, assumptions);
        var shapes = ShapeInference.Infer(model, resolved);
        var graph = model.Graph;

        var nodes = new List<NodeCost>(graph.Node.Count);
        long totalMacs = 0, totalFlops = 0;
        foreach (var node in graph.Node)
        {
            var (macs, flops) = FlopCounter.Count(node, shapes);
            totalMacs += macs;
            totalFlops += flops;
            var output = node.Output.Count > 0 ? shapes.Find(node.Output[0]) : null;
            nodes.Add(new NodeCost(NodeAttributes.DisplayName(node), node.OpType, macs, flops, output?.Shape));
        }

        var opTypes = nodes
            .GroupBy(n => n.OpType, StringComparer.Ordinal)
            .Select(g => new OpTypeCost(g.Key, g.Count(), g.Sum(n => n.Macs), g.Sum(n => n.Flops)))
            .OrderByDescending(o => o.Flops).ThenByDescending(o => o.Count).ThenBy(o => o.OpType, StringComparer.Ordinal)
            .ToList();

        var parameters = graph.Initializer
            .GroupBy(t => t.DataType)
            .Select(g =>
            {
                var elements = g.Sum(TensorData.ElementCount);
                return new ParameterGroup(OnnxDataType.Name(g.Key), g.Count(), elements, g.Sum(t => StoredBytes(t)));
            })
            .OrderByDescending(p => p.Bytes)
            .ToList();

        var (peak, peakNode) = ActivationMemory.Peak(graph, shapes);
        var initializerNames = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        return new ModelReport
        {
            Path = path,
            FileBytes = fileBytes,
            IrVersion = model.IrVersion,
            Producer = string.IsNullOrEmpty(model.ProducerVersion) ? model.ProducerName : $"{model.ProducerName} {model.ProducerVersion}",
            Opsets = model.OpsetImport.Select(o => new OpsetEntry(string.IsNullOrEmpty(o.Domain) ? "ai.onnx" : o.Domain, o.Version)).ToList(),
            Inputs = graph.Input.Where(i => !initializerNames.Contains(i.Name)).Select(i => Summary(i, shapes)).ToList(),
            Outputs = graph.Output.Select(o => Summary(o, shapes)).ToList(),
            Parameters = parameters,
            ParameterCount = parameters.Sum(p => p.Elements),
            ParameterBytes = parameters.Sum(p => p.Bytes),
            TotalMacs = totalMacs,
            TotalFlops = totalFlops,
            OpTypes = opTypes,
            Nodes = nodes,
            PeakActivationBytes = peak,
            PeakActivationNode = peakNode,
            Assumptions = assumptions,
            Unresolved = shapes.UnresolvedNodes,
        };
    }

    private static ValueSummary Summary(ValueInfoProto value, ShapeInferenceResult shapes) =>
        new(value.Name, InputShapes.Describe(value), shapes.Find(value.Name)?.Shape);

    private static long StoredBytes(TensorProto tensor) =>
        tensor.HasRawData ? tensor.RawData.Length : OnnxDataType.ByteCount(tensor.DataType, TensorData.ElementCount(tensor));
}
