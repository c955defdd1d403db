namespace Maas.Optimization.Inspection;

/// <summary>An operator set the model imports; <c>ai.onnx</c> is the default domain.</summary>
public sealed record OpsetEntry(string Domain, long Version);
