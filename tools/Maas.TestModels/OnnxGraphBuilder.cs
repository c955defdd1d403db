namespace Maas.TestModels;

/// <summary>
/// Builds a single-graph ONNX model in memory and serializes it to <c>ModelProto</c> bytes.
/// </summary>
/// <remarks>
/// Tests need small, exact models (every element type, symbolic batch dims, several outputs) that
/// no registry ships; writing them from code keeps them reviewable and out of the repository.
/// Only the default ONNX domain is used. The builder checks nothing about operator semantics:
/// ONNX Runtime's loader is the validator.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    private readonly string _graphName;
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];

    /// <summary>Starts an empty graph.</summary>
    /// <param name="graphName">The graph's name; ONNX requires one.</param>
    public OnnxGraphBuilder(string graphName = "maas_test")
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        _graphName = graphName;
    }

    /// <summary>The producer name written into the model.</summary>
    public string ProducerName { get; set; } = "Maas.TestModels";

    /// <summary>Declares a graph input; no dims means a scalar.</summary>
    public OnnxGraphBuilder AddInput(string name, int elementType, params OnnxDim[] dims)
    {
        _inputs.Add(ValueInfo(name, elementType, dims));
        return this;
    }

    /// <summary>Declares a graph output; no dims means a scalar.</summary>
    public OnnxGraphBuilder AddOutput(string name, int elementType, params OnnxDim[] dims)
    {
        _outputs.Add(ValueInfo(name, elementType, dims));
        return this;
    }

    /// <summary>Adds a float constant (weights, biases).</summary>
    public OnnxGraphBuilder AddInitializer(string name, float[] values, long[] dims) =>
        AddInitializer(OnnxTensor.FromFloats(name, values, dims));

    /// <summary>Adds an int64 constant (shapes, axes).</summary>
    public OnnxGraphBuilder AddInitializer(string name, long[] values, long[] dims) =>
        AddInitializer(OnnxTensor.FromInt64s(name, values, dims));

    /// <summary>Adds a constant of any fixed-width type.</summary>
    public OnnxGraphBuilder AddInitializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _initializers.Add(tensor);
        return this;
    }

    /// <summary>Adds a node named <c>{opType}_{index}</c>; use <c>""</c> in <paramref name="inputs"/> for an omitted optional input.</summary>
    public OnnxGraphBuilder AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttributeValue[] attributes) =>
        AddNamedNode($"{opType}_{_nodes.Count}", opType, inputs, outputs, attributes);

    /// <summary>Adds a node with an explicit name.</summary>
    public OnnxGraphBuilder AddNamedNode(string name, string opType, string[] inputs, string[] outputs, params OnnxAttributeValue[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        _nodes.Add(new OnnxNode(name, opType, (string[])inputs.Clone(), (string[])outputs.Clone(), (OnnxAttributeValue[])attributes.Clone()));
        return this;
    }

    /// <summary>Serializes the model.</summary>
    /// <param name="opset">The default-domain opset version (13 is the first that types Identity for BFLOAT16).</param>
    /// <param name="irVersion">The ONNX IR version; 8 pairs with opsets up to 17.</param>
    public byte[] Build(int opset = 13, int irVersion = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(irVersion, 3);

        // ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8}.
        var model = new ProtoWriter();
        model.WriteInt64(1, irVersion);
        model.WriteString(2, ProducerName);
        model.WriteMessage(7, WriteGraph);
        // OperatorSetIdProto{domain=1, version=2}; an absent domain is the default "ai.onnx" domain.
        model.WriteMessage(8, opsetId => opsetId.WriteInt64(2, opset));
        return model.ToArray();
    }

    /// <summary>Writes GraphProto{node=1, name=2, initializer=5, input=11, output=12}.</summary>
    private void WriteGraph(ProtoWriter graph)
    {
        foreach (var node in _nodes)
        {
            graph.WriteMessage(1, node.WriteTo);
        }

        graph.WriteString(2, _graphName);
        foreach (var initializer in _initializers)
        {
            graph.WriteMessage(5, initializer.WriteTo);
        }

        foreach (var input in _inputs)
        {
            graph.WriteMessage(11, input.WriteTo);
        }

        foreach (var output in _outputs)
        {
            graph.WriteMessage(12, output.WriteTo);
        }
    }

    private static OnnxValueInfo ValueInfo(string name, int elementType, OnnxDim[] dims)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(dims);
        return new OnnxValueInfo(name, elementType, (OnnxDim[])dims.Clone());
    }
}
