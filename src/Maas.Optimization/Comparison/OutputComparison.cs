namespace Maas.Optimization.Comparison;

/// <summary>How far one output of the optimized model is from the base model's.</summary>
/// <param name="Name">The output's name.</param>
/// <param name="Elements">Elements compared.</param>
/// <param name="MaxAbsoluteError">Largest |base − optimized| over the elements.</param>
/// <param name="Cosine">Cosine similarity of the two outputs as flat vectors (1 when both are zero).</param>
/// <param name="Top1Agreement">
/// For outputs of shape [rows, classes] with 2+ classes (class scores): the fraction of rows whose
/// argmax is the same in both; null for other outputs.
/// </param>
public sealed record OutputComparison(string Name, long Elements, double MaxAbsoluteError, double Cosine, double? Top1Agreement);
