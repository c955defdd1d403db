using Maas.Optimization.Onnx.Proto;
using Maas.Optimization.Quantization;

namespace Maas.Optimization.Pruning;

/// <summary>What <see cref="ModelPruner.Prune"/> did.</summary>
/// <param name="Model">The pruned model (the same instance that was passed in, changed in place).</param>
/// <param name="Structured">True when channels were removed, false when weights were zeroed.</param>
/// <param name="Tensors">Every initializer that changed.</param>
/// <param name="SkippedNodes">Candidate nodes left as they were, with the reason.</param>
/// <param name="ParametersBefore">Initializer elements of the whole model before.</param>
/// <param name="ParametersAfter">Initializer elements after (equal to before for unstructured pruning).</param>
/// <param name="ZerosBefore">Float initializer elements equal to zero before.</param>
/// <param name="ZerosAfter">Float initializer elements equal to zero after.</param>
public sealed record PruningResult(
    ModelProto Model,
    bool Structured,
    IReadOnlyList<PrunedTensor> Tensors,
    IReadOnlyList<SkippedNode> SkippedNodes,
    long ParametersBefore,
    long ParametersAfter,
    long ZerosBefore,
    long ZerosAfter)
{
    /// <summary>Fraction of the changed tensors' original weights that are gone or zero.</summary>
    public double PrunedTensorSparsity
    {
        get
        {
            long before = 0, kept = 0;
            foreach (var tensor in Tensors)
            {
                before += tensor.ElementsBefore;
                kept += tensor.ElementsAfter - tensor.Zeros;
            }

            return before == 0 ? 0 : 1 - ((double)kept / before);
        }
    }

    /// <summary>Fraction of all the model's original parameters that are gone or zero (embeddings, norms and biases included).</summary>
    public double ModelSparsity => ParametersBefore == 0 ? 0 : 1 - ((double)(ParametersAfter - ZerosAfter) / ParametersBefore);
}
