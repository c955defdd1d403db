using System.Globalization;
using System.Text;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Text;

/// <summary>
/// <c>top_k</c>: the k best classes of each row of logits [B, C], best first (ties: lower index
/// first), with their scores (softmax probabilities, or the raw logits), indices and labels.
/// </summary>
internal sealed class TopKProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("logits", DataType.Fp32)];

    private static readonly Port[] OutputPorts =
    [
        new("scores", DataType.Fp32),
        new("indices", DataType.Int64, Optional: true),
        new("labels", DataType.Bytes, Optional: true),
    ];

    private readonly int _k;
    private readonly bool _softmax;
    private readonly byte[][]? _labels;
    private readonly string? _labelsFile;

    /// <summary>Creates the step.</summary>
    /// <param name="k">Classes kept per row; fewer when the logits have fewer classes.</param>
    /// <param name="softmax">True reports softmax probabilities; false the logits themselves.</param>
    /// <param name="labels">UTF-8 label of each class, or null to report each index as text.</param>
    /// <param name="labelsFile">The labels file's name, for messages.</param>
    public TopKProcessor(int k, bool softmax, byte[][]? labels, string? labelsFile)
    {
        _k = k;
        _softmax = softmax;
        _labels = labels;
        _labelsFile = labelsFile;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        var tensor = context.Input("logits");
        var logits = context.InputSpan<float>("logits", DataType.Fp32);
        var shape = tensor.Shape;
        if (shape.Rank != 2 || shape[1] < 1 || logits.Length != shape[0] * shape[1])
        {
            throw MaasError.InvalidArgument($"step '{context.StepName}': 'logits' ({tensor.Name}) is {shape}; this step needs [batch, classes] with at least one class");
        }

        int batch = (int)shape[0], classes = (int)shape[1];
        if (_labels is not null && _labels.Length != classes)
        {
            throw MaasError.Internal($"step '{context.StepName}': 'labels' file {_labelsFile} has {_labels.Length} labels but the logits have {classes} classes; give the file one line per class, in class order");
        }

        var k = Math.Min(_k, classes);
        var outShape = TensorShape.Of(batch, k);
        var scores = context.Output<float>("scores", DataType.Fp32, outShape);
        var indices = context.Output<long>("indices", DataType.Int64, outShape);
        var labels = new ReadOnlyMemory<byte>[batch * k];
        var best = new int[k];
        for (var b = 0; b < batch; b++)
        {
            var row = logits.Slice(b * classes, classes);
            SelectTop(row, best);
            var max = _softmax ? Max(row) : 0f;
            var sum = _softmax ? SumExp(row, max) : 0d;
            for (var i = 0; i < k; i++)
            {
                var index = best[i];
                var o = (b * k) + i;
                scores[o] = _softmax ? (float)(Math.Exp(row[index] - max) / sum) : row[index];
                indices[o] = index;
                labels[o] = _labels is not null ? _labels[index] : Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture));
            }
        }

        context.OutputBytes("labels", outShape, labels);
    }

    // Keeps best[] sorted best first; NaN ranks below every number.
    private static void SelectTop(ReadOnlySpan<float> row, int[] best)
    {
        var filled = 0;
        for (var c = 0; c < row.Length; c++)
        {
            var value = Rank(row[c]);
            if (filled == best.Length && !(value > Rank(row[best[filled - 1]])))
            {
                continue;
            }

            var at = filled < best.Length ? filled++ : filled - 1;
            while (at > 0 && value > Rank(row[best[at - 1]]))
            {
                best[at] = best[at - 1];
                at--;
            }

            best[at] = c;
        }
    }

    private static float Rank(float value) => float.IsNaN(value) ? float.NegativeInfinity : value;

    private static float Max(ReadOnlySpan<float> row)
    {
        var max = float.NegativeInfinity;
        foreach (var value in row)
        {
            max = Math.Max(max, Rank(value));
        }

        return max;
    }

    private static double SumExp(ReadOnlySpan<float> row, float max)
    {
        double sum = 0;
        foreach (var value in row)
        {
            sum += Math.Exp(value - max);
        }

        return sum;
    }
}
