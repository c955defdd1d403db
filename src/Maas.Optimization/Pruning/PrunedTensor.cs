namespace Maas.Optimization.Pruning;

/// <summary>One weight tensor the pruner changed.</summary>
/// <param name="Name">The initializer's name in the pruned model.</param>
/// <param name="Node">The node that reads it (the first one, when several do).</param>
/// <param name="Role">What happened: "zeroed", "output channels", "input channels", "bias", "scale".</param>
/// <param name="ShapeBefore">Dimensions before.</param>
/// <param name="ShapeAfter">Dimensions after (smaller only in structured mode).</param>
/// <param name="ElementsBefore">Elements before.</param>
/// <param name="ElementsAfter">Elements after.</param>
/// <param name="Zeros">Elements equal to zero after pruning (zeros that were there before included).</param>
public sealed record PrunedTensor(string Name, string Node, string Role, long[] ShapeBefore, long[] ShapeAfter, long ElementsBefore, long ElementsAfter, long Zeros)
{
    /// <summary>Fraction of the original weights that are gone or zero.</summary>
    public double Sparsity => ElementsBefore == 0 ? 0 : 1 - ((double)(ElementsAfter - Zeros) / ElementsBefore);
}
