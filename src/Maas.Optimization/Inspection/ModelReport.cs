namespace Maas.Optimization.Inspection;

/// <summary>What <c>maas inspect</c> reports about a model: signature, parameters, compute, memory.</summary>
public sealed record ModelReport
{
    /// <summary>The model file.</summary>
    public required string Path { get; init; }

    /// <summary>The file's size in bytes.</summary>
    public required long FileBytes { get; init; }

    /// <summary>The ONNX IR version.</summary>
    public required long IrVersion { get; init; }

    /// <summary>Producer name and version, e.g. <c>pytorch 1.10</c>.</summary>
    public required string Producer { get; init; }

    /// <summary>Imported operator sets.</summary>
    public required IReadOnlyList<OpsetEntry> Opsets { get; init; }

    /// <summary>Graph inputs with the shapes used for the figures.</summary>
    public required IReadOnlyList<ValueSummary> Inputs { get; init; }

    /// <summary>Graph outputs with their inferred shapes.</summary>
    public required IReadOnlyList<ValueSummary> Outputs { get; init; }

    /// <summary>Initializers grouped by element type, largest first.</summary>
    public required IReadOnlyList<ParameterGroup> Parameters { get; init; }

    /// <summary>Initializer elements, all types.</summary>
    public required long ParameterCount { get; init; }

    /// <summary>Initializer bytes, all types.</summary>
    public required long ParameterBytes { get; init; }

    /// <summary>Multiply-accumulates for one run at the input shapes.</summary>
    public required long TotalMacs { get; init; }

    /// <summary>Floating-point operations for one run (2 × MACs + elementwise work).</summary>
    public required long TotalFlops { get; init; }

    /// <summary>Cost per operator type, most FLOPs first.</summary>
    public required IReadOnlyList<OpTypeCost> OpTypes { get; init; }

    /// <summary>Cost per node, in graph order.</summary>
    public required IReadOnlyList<NodeCost> Nodes { get; init; }

    /// <summary>
    /// Largest total size of intermediate tensors alive at once when nodes run in graph order and each
    /// tensor is freed after its last reader (graph inputs and outputs included, weights excluded).
    /// </summary>
    public required long PeakActivationBytes { get; init; }

    /// <summary>The node during which the peak occurs.</summary>
    public required string? PeakActivationNode { get; init; }

    /// <summary>Dimensions that were not given and were taken as 1.</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }

    /// <summary>Nodes whose shapes could not be inferred (their cost counts as 0).</summary>
    public required IReadOnlyList<string> Unresolved { get; init; }
}
