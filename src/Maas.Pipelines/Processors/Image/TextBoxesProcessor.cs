using System.Buffers;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Turns a detection probability map FP32 [1, 1, h, w] into text boxes in original-image pixels:
/// binarize at the threshold, find connected components, drop small or low-scoring ones, expand
/// each box by area × unclip_ratio / perimeter (as PaddleOCR's DB post-processing unclips), map
/// back through <c>scale</c> and clamp. Boxes come out in reading order.
/// </summary>
internal sealed class TextBoxesProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("probability", DataType.Fp32), new("scale", DataType.Fp32)];
    private static readonly Port[] OutputPorts = [new("boxes", DataType.Fp32), new("scores", DataType.Fp32, Optional: true)];

    private readonly Settings _settings;

    /// <summary>Creates the processor.</summary>
    public TextBoxesProcessor(Settings settings) => _settings = settings;

    /// <summary>The step's options (see <see cref="TextBoxesFactory"/>).</summary>
    public sealed record Settings(float Threshold, float BoxThreshold, int MinSize, double UnclipRatio, int MaxBoxes, bool EightConnected);

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var map = context.InputSpan<float>("probability", DataType.Fp32);
        var shape = context.Input("probability").Shape;
        if (shape.Rank != 4 || shape[0] != 1 || shape[1] != 1 || shape[2] < 1 || shape[3] < 1)
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'probability' has shape {shape}; it must be [1, 1, height, width], a text detector's probability map for one image");
        }

        var scale = context.InputSpan<float>("scale", DataType.Fp32);
        if (scale.Length != 2 || !(scale[0] > 0) || !(scale[1] > 0) || !float.IsFinite(scale[0]) || !float.IsFinite(scale[1]))
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'scale' must be FP32 [2] with two positive numbers (model height / image height, model width / image width), as image_tensor writes it");
        }

        var height = (int)shape[2];
        var width = (int)shape[3];
        var found = FindBoxes(map, height, width, scale[0], scale[1]);

        var boxes = context.Output<float>("boxes", DataType.Fp32, TensorShape.Of(found.Count, 4));
        var scores = context.Output<float>("scores", DataType.Fp32, TensorShape.Of(found.Count));
        for (var i = 0; i < found.Count; i++)
        {
            var box = found[i];
            boxes[(i * 4) + 0] = box.X0;
            boxes[(i * 4) + 1] = box.Y0;
            boxes[(i * 4) + 2] = box.X1;
            boxes[(i * 4) + 3] = box.Y1;
            scores[i] = box.Score;
        }
    }

    /// <summary>One box in original-image pixels (x1, y1 exclusive) with its mean probability.</summary>
    internal readonly record struct Box(float X0, float Y0, float X1, float Y1, float Score);

    /// <summary>The boxes of <paramref name="map"/> (row-major, <paramref name="height"/> × <paramref name="width"/>), in reading order.</summary>
    internal List<Box> FindBoxes(ReadOnlySpan<float> map, int height, int width, float scaleY, float scaleX)
    {
        var imageWidth = Math.Max(1, (int)Math.Round(width / scaleX));
        var imageHeight = Math.Max(1, (int)Math.Round(height / scaleY));
        var pixels = height * width;
        var labelled = ArrayPool<bool>.Shared.Rent(pixels);
        var stack = ArrayPool<int>.Shared.Rent(pixels);
        var boxes = new List<Box>();
        try
        {
            Array.Clear(labelled, 0, pixels);
            var threshold = _settings.Threshold;
            for (var start = 0; start < pixels; start++)
            {
                if (labelled[start] || !(map[start] > threshold))
                {
                    continue;
                }

                // Flood fill one component, tracking its bounds and probability sum.
                int minX = width, minY = height, maxX = -1, maxY = -1;
                double sum = 0;
                var count = 0;
                var top = 0;
                stack[top++] = start;
                labelled[start] = true;
                while (top > 0)
                {
                    var p = stack[--top];
                    var y = p / width;
                    var x = p - (y * width);
                    minX = Math.Min(minX, x);
                    maxX = Math.Max(maxX, x);
                    minY = Math.Min(minY, y);
                    maxY = Math.Max(maxY, y);
                    sum += map[p];
                    count++;
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        var ny = y + dy;
                        if (ny < 0 || ny >= height)
                        {
                            continue;
                        }

                        for (var dx = -1; dx <= 1; dx++)
                        {
                            var nx = x + dx;
                            if (nx < 0 || nx >= width || (dx == 0 && dy == 0) || (!_settings.EightConnected && dx != 0 && dy != 0))
                            {
                                continue;
                            }

                            var q = (ny * width) + nx;
                            if (!labelled[q] && map[q] > threshold)
                            {
                                labelled[q] = true;
                                stack[top++] = q;
                            }
                        }
                    }
                }

                var boxWidth = maxX - minX + 1;
                var boxHeight = maxY - minY + 1;
                var score = (float)(sum / count);
                if (Math.Min(boxWidth, boxHeight) < _settings.MinSize || score < _settings.BoxThreshold)
                {
                    continue;
                }

                // The detector marks a shrunk text kernel; grow it back by the polygon offset
                // distance PaddleOCR's unclip uses (area × ratio / perimeter).
                var d = (double)boxWidth * boxHeight * _settings.UnclipRatio / (2.0 * (boxWidth + boxHeight));
                boxes.Add(new Box(
                    Clamp((minX - d) / scaleX, imageWidth),
                    Clamp((minY - d) / scaleY, imageHeight),
                    Clamp((maxX + 1 + d) / scaleX, imageWidth),
                    Clamp((maxY + 1 + d) / scaleY, imageHeight),
                    score));
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(labelled);
            ArrayPool<int>.Shared.Return(stack);
        }

        if (boxes.Count > _settings.MaxBoxes)
        {
            boxes.Sort((a, b) => b.Score.CompareTo(a.Score));
            boxes.RemoveRange(_settings.MaxBoxes, boxes.Count - _settings.MaxBoxes);
        }

        return ReadingOrder(boxes);
    }

    /// <summary>
    /// Top to bottom by line, then left to right: boxes sorted by vertical centre; a box joins the
    /// current line when its centre lies within the line's first box's vertical extent.
    /// </summary>
    internal static List<Box> ReadingOrder(List<Box> boxes)
    {
        boxes.Sort((a, b) => (a.Y0 + a.Y1).CompareTo(b.Y0 + b.Y1));
        var ordered = new List<Box>(boxes.Count);
        var i = 0;
        while (i < boxes.Count)
        {
            var first = boxes[i];
            var end = i + 1;
            while (end < boxes.Count && (boxes[end].Y0 + boxes[end].Y1) / 2 <= first.Y1)
            {
                end++;
            }

            var line = boxes.GetRange(i, end - i);
            line.Sort((a, b) => a.X0.CompareTo(b.X0));
            ordered.AddRange(line);
            i = end;
        }

        return ordered;
    }

    private static float Clamp(double value, int limit) => (float)Math.Clamp(value, 0, limit);
}
