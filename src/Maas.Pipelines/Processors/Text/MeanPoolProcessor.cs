using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>mean_pool</c>: averages hidden states [B, L, D] over the positions whose mask is not zero,
/// giving one embedding [B, D] per row (sentence-transformers' mean pooling), optionally scaled to
/// unit L2 length. A row whose mask is all zero gives zeros.
/// </summary>
internal sealed class MeanPoolProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("hidden", DataType.Fp32), new("mask", DataType.Int64)];
    private static readonly Port[] OutputPorts = [new("embedding", DataType.Fp32)];

    private readonly bool _normalize;

    /// <summary>Creates the step.</summary>
    /// <param name="normalize">True scales each embedding to unit L2 length (a zero embedding stays zero).</param>
    public MeanPoolProcessor(bool normalize) => _normalize = normalize;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        var hiddenTensor = context.Input("hidden");
        var maskTensor = context.Input("mask");
        var hidden = context.InputSpan<float>("hidden", DataType.Fp32);
        var mask = context.InputSpan<long>("mask", DataType.Int64);
        var hs = hiddenTensor.Shape;
        var ms = maskTensor.Shape;
        if (hs.Rank != 3 || ms.Rank != 2 || hs[0] != ms[0] || hs[1] != ms[1])
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}': 'hidden' ({hiddenTensor.Name}) is {hs} and 'mask' ({maskTensor.Name}) is {ms}; hidden must be [batch, length, dim] and mask [batch, length] of the same batch and length: wire the attention_mask of the tokens the model ran on");
        }

        if (hidden.Length != hs[0] * hs[1] * hs[2] || mask.Length != ms[0] * ms[1])
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}': 'hidden' holds {hidden.Length} values and 'mask' {mask.Length}; shapes {hs} and {ms} need {hs[0] * hs[1] * hs[2]} and {ms[0] * ms[1]}");
        }

        int batch = (int)hs[0], length = (int)hs[1], dim = (int)hs[2];
        var embedding = context.Output<float>("embedding", DataType.Fp32, TensorShape.Of(batch, dim));
        for (var b = 0; b < batch; b++)
        {
            var row = embedding.Slice(b * dim, dim);
            var kept = 0;
            for (var t = 0; t < length; t++)
            {
                if (mask[(b * length) + t] == 0)
                {
                    continue;
                }

                kept++;
                var state = hidden.Slice(((b * length) + t) * dim, dim);
                for (var d = 0; d < dim; d++)
                {
                    row[d] += state[d];
                }
            }

            if (kept > 0)
            {
                Scale(row, 1f / kept);
            }

            if (_normalize)
            {
                Normalize(row);
            }
        }
    }

    private static void Scale(Span<float> row, float factor)
    {
        for (var d = 0; d < row.Length; d++)
        {
            row[d] *= factor;
        }
    }

    // As torch.nn.functional.normalize: divide by max(norm, 1e-12), so zeros stay zeros.
    private static void Normalize(Span<float> row)
    {
        double sum = 0;
        for (var d = 0; d < row.Length; d++)
        {
            sum += (double)row[d] * row[d];
        }

        Scale(row, (float)(1 / Math.Max(Math.Sqrt(sum), 1e-12)));
    }
}
