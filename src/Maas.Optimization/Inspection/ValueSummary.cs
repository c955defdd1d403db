namespace Maas.Optimization.Inspection;

/// <summary>A graph input or output.</summary>
/// <param name="Name">The value's name.</param>
/// <param name="Declared">The type as the model declares it, e.g. <c>float[batch, 3, 224, 224]</c>.</param>
/// <param name="Shape">The concrete shape used for the figures (-1: unknown), or null when not known.</param>
public sealed record ValueSummary(string Name, string Declared, IReadOnlyList<long>? Shape);
