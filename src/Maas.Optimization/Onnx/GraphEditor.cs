using Maas.Optimization.Onnx.Proto;

namespace Maas.Optimization.Onnx;

/// <summary>
/// Helpers for rewriting a graph: unique names, node construction, initializer lookup and removal.
/// </summary>
internal sealed class GraphEditor
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);

    private readonly HashSet<string> _overridable = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="model"/>'s main graph for editing in place.</summary>
    public GraphEditor(ModelProto model)
    {
        var graph = model.Graph;
        Graph = graph;
        if (model.IrVersion >= 4)
        {
            // From IR 4 on, an initializer that is also a graph input is only a default the caller may replace.
            _overridable.UnionWith(graph.Input.Select(i => i.Name));
        }

        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
            _names.Add(tensor.Name);
        }

        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            _names.Add(value.Name);
        }

        foreach (var node in graph.Node)
        {
            _names.Add(node.Name);
            _names.UnionWith(node.Output);
            foreach (var input in node.Input)
            {
                _readers[input] = _readers.GetValueOrDefault(input) + 1;
            }
        }

        foreach (var output in graph.Output)
        {
            _readers[output.Name] = _readers.GetValueOrDefault(output.Name) + 1;
        }
    }

    public GraphProto Graph { get; }

    /// <summary>The constant initializer called <paramref name="name"/>, or null (also for one a graph input may override).</summary>
    public TensorProto? Initializer(string name) =>
        _initializers.TryGetValue(name, out var tensor) && !_overridable.Contains(name) ? tensor : null;

    /// <summary>How many node inputs (and graph outputs) read <paramref name="name"/>.</summary>
    public int Readers(string name) => _readers.GetValueOrDefault(name);

    /// <summary>A name not used yet in the graph, based on <paramref name="stem"/>.</summary>
    public string Unique(string stem)
    {
        var name = stem;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }

        return name;
    }

    /// <summary>Adds an initializer (its name must come from <see cref="Unique"/>).</summary>
    public void AddInitializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        _initializers[tensor.Name] = tensor;
    }

    /// <summary>Drops one reader of <paramref name="name"/>; removes the initializer when none is left.</summary>
    public void ReleaseInitializer(string name)
    {
        var left = _readers.GetValueOrDefault(name) - 1;
        _readers[name] = left;
        if (left > 0 || !_initializers.Remove(name, out var tensor))
        {
            return;
        }

        Graph.Initializer.Remove(tensor);
        for (var i = Graph.Input.Count - 1; i >= 0; i--)
        {
            if (Graph.Input[i].Name == name)
            {
                Graph.Input.RemoveAt(i);
            }
        }
    }

    /// <summary>Creates a node in the default domain (or <paramref name="domain"/>).</summary>
    public NodeProto Node(string opType, string nameStem, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(nameStem) };
        if (domain.Length > 0)
        {
            node.Domain = domain;
        }

        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>An int attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) => new() { Name = name, Type = OnnxAttributeType.Int, I = value };

    /// <summary>Makes sure the model imports <paramref name="domain"/> at <paramref name="version"/> or later.</summary>
    public static void RequireOpset(ModelProto model, string domain, long version)
    {
        foreach (var opset in model.OpsetImport)
        {
            if ((opset.Domain ?? string.Empty) == domain)
            {
                if (opset.Version < version)
                {
                    opset.Version = version;
                }

                return;
            }
        }

        model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
    }
}
