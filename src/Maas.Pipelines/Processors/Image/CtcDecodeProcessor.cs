using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Greedy CTC decoding of <c>probabilities</c> FP32 [N, T, C]: the most likely class per step,
/// repeats collapsed, blanks dropped. Writes <c>text</c> BYTES [N] (UTF-8) and <c>scores</c>
/// FP32 [N], the mean probability of the kept characters (0 for an empty text).
/// </summary>
internal sealed class CtcDecodeProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("probabilities", DataType.Fp32)];
    private static readonly Port[] OutputPorts = [new("text", DataType.Bytes), new("scores", DataType.Fp32, Optional: true)];

    private readonly byte[][] _classes;
    private readonly int _blank;

    /// <summary>Creates the decoder over <paramref name="classes"/> (UTF-8 per class; the blank's entry is unused).</summary>
    public CtcDecodeProcessor(byte[][] classes, int blank)
    {
        _classes = classes;
        _blank = blank;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <summary>The number of classes the input's last dimension must have (blank included).</summary>
    public int ClassCount => _classes.Length;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var probabilities = context.InputSpan<float>("probabilities", DataType.Fp32);
        var shape = context.Input("probabilities").Shape;
        if (shape.Rank != 3 || shape[2] != _classes.Length)
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'probabilities' has shape {shape}; it must be [N, T, {_classes.Length}] " +
                $"(the blank and {_classes.Length - 1} characters, space included when 'append_space' is on). Use the dictionary the recognizer was trained with");
        }

        var count = (int)shape[0];
        var steps = (int)shape[1];
        var classCount = _classes.Length;
        var texts = new ReadOnlyMemory<byte>[count];
        var scores = context.Output<float>("scores", DataType.Fp32, TensorShape.Of(count));
        var buffer = new List<byte>();
        for (var n = 0; n < count; n++)
        {
            buffer.Clear();
            double sum = 0;
            var kept = 0;
            var previous = -1;
            for (var t = 0; t < steps; t++)
            {
                var row = probabilities.Slice(((n * steps) + t) * classCount, classCount);
                var best = 0;
                for (var c = 1; c < classCount; c++)
                {
                    if (row[c] > row[best])
                    {
                        best = c;
                    }
                }

                if (best != _blank && best != previous)
                {
                    buffer.AddRange(_classes[best]);
                    sum += row[best];
                    kept++;
                }

                previous = best;
            }

            texts[n] = buffer.ToArray();
            scores[n] = kept == 0 ? 0f : (float)(sum / kept);
        }

        context.OutputBytes("text", TensorShape.Of(count), texts);
    }
}
