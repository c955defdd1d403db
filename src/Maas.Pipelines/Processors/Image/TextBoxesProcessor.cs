using System.Buffers;
using System.Numerics;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Turns a detection probability map FP32 [1, 1, h, w] into text boxes in original-image pixels:
/// binarize at the threshold, find connected components, drop small or low-scoring ones, expand
/// each box by area × unclip_ratio / perimeter (as PaddleOCR's DB post-processing unclips), map
/// back through <c>scale</c> and clamp. Each component gives an axis-aligned box and, in
/// <c>quads</c>, its smallest rotated rectangle (what slanted text needs). Boxes come out in
/// reading order.
/// </summary>
internal sealed class TextBoxesProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("probability", DataType.Fp32), new("scale", DataType.Fp32)];
    private static readonly Port[] OutputPorts =
    [
        new("boxes", DataType.Fp32),
        new("scores", DataType.Fp32, Optional: true),
        new("quads", DataType.Fp32, Optional: true),
    ];

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
        var quads = context.Output<float>("quads", DataType.Fp32, TensorShape.Of(found.Count, 4, 2));
        for (var i = 0; i < found.Count; i++)
        {
            var box = found[i];
            boxes[(i * 4) + 0] = box.X0;
            boxes[(i * 4) + 1] = box.Y0;
            boxes[(i * 4) + 2] = box.X1;
            boxes[(i * 4) + 3] = box.Y1;
            scores[i] = box.Score;
            var corners = Corners(box);
            for (var k = 0; k < 4; k++)
            {
                quads[(i * 8) + (k * 2)] = corners[k].X;
                quads[(i * 8) + (k * 2) + 1] = corners[k].Y;
            }
        }
    }

    /// <summary>
    /// One box in original-image pixels (x1, y1 exclusive) with its mean probability, and the
    /// corners of its rotated rectangle (top-left, top-right, bottom-right, bottom-left).
    /// </summary>
    internal readonly record struct Box(float X0, float Y0, float X1, float Y1, float Score, Vector2[]? Quad = null);

    /// <summary>The boxes of <paramref name="map"/> (row-major, <paramref name="height"/> × <paramref name="width"/>), in reading order.</summary>
    internal List<Box> FindBoxes(ReadOnlySpan<float> map, int height, int width, float scaleY, float scaleX)
    {
        var imageWidth = Math.Max(1, (int)Math.Round(width / scaleX));
        var imageHeight = Math.Max(1, (int)Math.Round(height / scaleY));
        var pixels = height * width;
        var labelled = ArrayPool<bool>.Shared.Rent(pixels);
        var stack = ArrayPool<int>.Shared.Rent(pixels);
        // Each row's leftmost and rightmost pixel of the component being filled: the hull of
        // those rows' pixel squares is the hull of the component.
        var rowMin = ArrayPool<int>.Shared.Rent(height);
        var rowMax = ArrayPool<int>.Shared.Rent(height);
        var boxes = new List<Box>();
        try
        {
            Array.Clear(labelled, 0, pixels);
            Array.Fill(rowMin, int.MaxValue, 0, height);
            Array.Fill(rowMax, -1, 0, height);
            var threshold = _settings.Threshold;
            for (var start = 0; start < pixels; start++)
            {
                if (labelled[start] || !(map[start] > threshold))
                {
                    continue;
                }

                // Flood fill one component, tracking its bounds and each row's extremes.
                int minX = width, minY = height, maxX = -1, maxY = -1;
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
                    rowMin[y] = Math.Min(rowMin[y], x);
                    rowMax[y] = Math.Max(rowMax[y], x);
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
                // Specks under min_size upright cost a row reset, not a hull.
                var large = Math.Min(boxWidth, boxHeight) >= _settings.MinSize;
                var rect = large ? RowsRect(rowMin, rowMax, minY, maxY) : default;
                Array.Fill(rowMin, int.MaxValue, minY, maxY - minY + 1);
                Array.Fill(rowMax, -1, minY, maxY - minY + 1);
                // As PaddleOCR: min_size applies to the rotated rectangle's short side too (a thin
                // slanted stroke has a large upright box), and the score is the map's mean inside
                // that rectangle, the weak pixels between strokes included.
                if (!large || 2 * Math.Min(rect.HalfAlong, rect.HalfAcross) < _settings.MinSize)
                {
                    continue;
                }

                var score = MeanInside(map, width, rect, minX, minY, maxX, maxY);
                if (score < _settings.BoxThreshold)
                {
                    continue;
                }

                // The detector marks a shrunk text kernel: the quad is the rectangle grown back
                // (unclipped) by its own size, and the box is the quad's upright bounds, so a
                // slanted line's box is not grown by the larger upright rectangle's size.
                var quad = Quad(rect, scaleX, scaleY, imageWidth, imageHeight);
                boxes.Add(new Box(
                    Math.Min(Math.Min(quad[0].X, quad[1].X), Math.Min(quad[2].X, quad[3].X)),
                    Math.Min(Math.Min(quad[0].Y, quad[1].Y), Math.Min(quad[2].Y, quad[3].Y)),
                    Math.Max(Math.Max(quad[0].X, quad[1].X), Math.Max(quad[2].X, quad[3].X)),
                    Math.Max(Math.Max(quad[0].Y, quad[1].Y), Math.Max(quad[2].Y, quad[3].Y)),
                    score,
                    quad));
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(labelled);
            ArrayPool<int>.Shared.Return(stack);
            ArrayPool<int>.Shared.Return(rowMin);
            ArrayPool<int>.Shared.Return(rowMax);
        }

        if (boxes.Count > _settings.MaxBoxes)
        {
            boxes.Sort((a, b) => b.Score.CompareTo(a.Score));
            boxes.RemoveRange(_settings.MaxBoxes, boxes.Count - _settings.MaxBoxes);
        }

        return ReadingOrder(boxes);
    }

    /// <summary>
    /// Top to bottom by line, then along the line: the highest unplaced box (by centre) starts a
    /// line, which takes every unplaced box whose centre lies within the band the starting box's
    /// rotated rectangle sweeps along its own direction; the line's boxes go in order along that
    /// direction. For level text this is "same line when the centre lies within the first box's
    /// vertical extent, then left to right"; slanted lines, whose upright boxes overlap, stay apart.
    /// </summary>
    internal static List<Box> ReadingOrder(List<Box> boxes)
    {
        boxes.Sort((a, b) => (a.Y0 + a.Y1).CompareTo(b.Y0 + b.Y1));
        var placed = new bool[boxes.Count];
        var ordered = new List<Box>(boxes.Count);
        for (var i = 0; i < boxes.Count; i++)
        {
            if (placed[i])
            {
                continue;
            }

            var seed = Corners(boxes[i]);
            var along = seed[1] - seed[0];
            along = along.LengthSquared() > 0 ? Vector2.Normalize(along) : Vector2.UnitX;
            var across = new Vector2(-along.Y, along.X);
            var centre = Centre(seed);
            var halfBand = Math.Abs(Vector2.Dot(seed[3] - seed[0], across)) / 2;
            var line = new List<Box>();
            for (var j = i; j < boxes.Count; j++)
            {
                if (!placed[j] && Math.Abs(Vector2.Dot(Centre(Corners(boxes[j])) - centre, across)) <= halfBand)
                {
                    placed[j] = true;
                    line.Add(boxes[j]);
                }
            }

            line.Sort((a, b) => Vector2.Dot(Corners(a)[0], along).CompareTo(Vector2.Dot(Corners(b)[0], along)));
            ordered.AddRange(line);
        }

        return ordered;
    }

    private static Vector2[] Corners(Box box) => box.Quad ?? [new(box.X0, box.Y0), new(box.X1, box.Y0), new(box.X1, box.Y1), new(box.X0, box.Y1)];

    private static Vector2 Centre(Vector2[] corners) => (corners[0] + corners[1] + corners[2] + corners[3]) / 4;

    // The component's smallest rotated rectangle, from its rows' extremes.
    private static MinAreaRect.Rect RowsRect(int[] rowMin, int[] rowMax, int minY, int maxY)
    {
        var points = new List<Vector2>(4 * (maxY - minY + 1));
        for (var y = minY; y <= maxY; y++)
        {
            if (rowMax[y] >= 0)
            {
                points.Add(new(rowMin[y], y));
                points.Add(new(rowMin[y], y + 1));
                points.Add(new(rowMax[y] + 1, y));
                points.Add(new(rowMax[y] + 1, y + 1));
            }
        }

        return MinAreaRect.Fit(points);
    }

    // The rotated rectangle unclipped as PaddleOCR does (grown by area × ratio / perimeter on every
    // side), mapped back through the scale and clamped to the image.
    private Vector2[] Quad(MinAreaRect.Rect rect, float scaleX, float scaleY, int imageWidth, int imageHeight)
    {
        var along = 2 * rect.HalfAlong;
        var across = 2 * rect.HalfAcross;
        var grow = along + across > 0 ? (float)(along * across * _settings.UnclipRatio / (2.0 * (along + across))) : 0;
        var corners = rect.Corners(grow);
        for (var k = 0; k < 4; k++)
        {
            corners[k] = new(Clamp(corners[k].X / scaleX, imageWidth), Clamp(corners[k].Y / scaleY, imageHeight));
        }

        return corners;
    }

    // The map's mean over the pixels whose centres lie inside the rectangle (within the
    // component's upright bounds, which hold it).
    private static float MeanInside(ReadOnlySpan<float> map, int width, MinAreaRect.Rect rect, int minX, int minY, int maxX, int maxY)
    {
        var across = new Vector2(-rect.Axis.Y, rect.Axis.X);
        double sum = 0;
        var count = 0;
        for (var y = minY; y <= maxY; y++)
        {
            for (var x = minX; x <= maxX; x++)
            {
                var offset = new Vector2(x + 0.5f, y + 0.5f) - rect.Center;
                if (Math.Abs(Vector2.Dot(offset, rect.Axis)) <= rect.HalfAlong && Math.Abs(Vector2.Dot(offset, across)) <= rect.HalfAcross)
                {
                    sum += map[(y * width) + x];
                    count++;
                }
            }
        }

        return count == 0 ? 0 : (float)(sum / count);
    }

    private static float Clamp(double value, int limit) => (float)Math.Clamp(value, 0, limit);
}
