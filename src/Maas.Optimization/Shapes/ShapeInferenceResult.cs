namespace Maas.Optimization.Shapes;

/// <summary>The type and shape of every value shape inference could follow, and the nodes it could not.</summary>
/// <param name="Values">Value name → what is known of it (initializers, graph inputs, node outputs).</param>
/// <param name="UnresolvedNodes">Display names of nodes whose output shapes are unknown, with the reason.</param>
internal sealed record ShapeInferenceResult(IReadOnlyDictionary<string, TensorInfo> Values, IReadOnlyList<string> UnresolvedNodes)
{
    /// <summary>What is known of <paramref name="name"/>, or null.</summary>
    public TensorInfo? Find(string name) => name.Length > 0 && Values.TryGetValue(name, out var info) ? info : null;
}
