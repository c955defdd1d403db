using Maas.Optimization.Onnx;
using Maas.Optimization.Onnx.Proto;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Optimization.Quantization;

/// <summary>
/// Asks ONNX Runtime's CPU provider whether it has a float16 kernel for a node, by loading a
/// one-node model. ONNX Runtime does not fail on a missing float16 kernel: it quietly runs the
/// float32 kernel between Casts it inserts itself. So the probe saves the model ONNX Runtime
/// actually runs and looks for those extra nodes. Answers are cached per operator and types.
/// </summary>
internal sealed class Float16KernelProbe(ModelProto model)
{
    private readonly Dictionary<string, string?> _answers = new(StringComparer.Ordinal);

    /// <summary>Null when the node runs in float16 as written, otherwise why not.</summary>
    public string? Check(NodeProto node, IReadOnlyList<(string Name, int Type, long[]? Shape)> inputs, IReadOnlyList<(string Name, int Type)> outputs)
    {
        var key = $"{node.Domain}:{node.OpType}({string.Join(',', inputs.Select(i => i.Type))})->({string.Join(',', outputs.Select(o => o.Type))})";
        if (!_answers.TryGetValue(key, out var answer))
        {
            answer = Probe(node, inputs, outputs);
            _answers[key] = answer;
        }

        return answer;
    }

    private string? Probe(NodeProto node, IReadOnlyList<(string Name, int Type, long[]? Shape)> inputs, IReadOnlyList<(string Name, int Type)> outputs)
    {
        var probe = new ModelProto { IrVersion = model.IrVersion, Graph = new GraphProto { Name = "float16_probe" } };
        probe.OpsetImport.AddRange(model.OpsetImport);
        probe.Graph.Node.Add(node.Clone());
        foreach (var (name, type, shape) in inputs.DistinctBy(i => i.Name))
        {
            probe.Graph.Input.Add(Value(name, type, shape));
        }

        foreach (var (name, type) in outputs)
        {
            probe.Graph.Output.Add(Value(name, type, null));
        }

        var saved = Path.Combine(Path.GetTempPath(), $"maas-fp16-probe-{Guid.NewGuid():N}.onnx");
        try
        {
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                OptimizedModelFilePath = saved,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            using (new InferenceSession(OnnxModelFile.ToBytes(probe), options))
            {
            }

            // Count Casts rather than nodes: ONNX Runtime turns a Constant node into an initializer.
            var casts = OnnxModelFile.Read(saved).Graph.Node.Count(n => n.OpType == "Cast");
            return casts == (node.OpType == "Cast" ? 1 : 0)
                ? null
                : $"ONNX Runtime's CPU provider has no float16 kernel for {node.OpType}: it would run the float32 kernel between Casts anyway";
        }
        catch (OnnxRuntimeException ex)
        {
            return $"ONNX Runtime does not load it in float16 ({ex.Message.Split('\n')[0]})";
        }
        finally
        {
            File.Delete(saved);
        }
    }

    private static ValueInfoProto Value(string name, int type, long[]? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = type };
        if (shape is not null && Array.TrueForAll(shape, d => d >= 0))
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var dim in shape)
            {
                tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
            }
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
