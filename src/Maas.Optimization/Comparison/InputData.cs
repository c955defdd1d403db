namespace Maas.Optimization.Comparison;

/// <summary>Given values for one model input: a shape and row-major values (converted to the input's element type).</summary>
public sealed record InputData(IReadOnlyList<long> Shape, IReadOnlyList<double> Values);
