using System.Numerics;
using Maas.Errors;
using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Cuts each box of <c>boxes</c> FP32 [N, 4] (x0, y0, x1, y1 in image pixels) out of a UINT8
/// [H, W, 3] image, resizes it to the crop height keeping its aspect (no wider than the batch),
/// normalizes it and pads it on the right with zeros, as PaddleOCR's recognizer and classifier
/// preprocessing does. With <c>orientation</c> FP32 [N, 2] (a classifier's [0°, 180°]
/// probabilities), crops whose 180° probability exceeds the threshold are turned upside down.
/// With <c>quads</c> FP32 [N, 4, 2] (text_boxes' rotated rectangles) each crop is sampled along
/// its quad instead, so slanted text comes out level; a quad at least 1.5 times as tall as wide
/// (vertical text) is turned 90° counter-clockwise first, as PaddleOCR does.
/// Output <c>crops</c> FP32 [N, 3, height, width].
/// </summary>
internal sealed class CropProcessor : Processor
{
    private static readonly Port[] InputPorts =
    [
        new("image", DataType.UInt8),
        new("boxes", DataType.Fp32),
        new("orientation", DataType.Fp32, Optional: true),
        new("quads", DataType.Fp32, Optional: true),
    ];

    private static readonly Port[] OutputPorts = [new("crops", DataType.Fp32)];

    private readonly Settings _settings;

    /// <summary>Creates the processor.</summary>
    public CropProcessor(Settings settings) => _settings = settings;

    /// <summary>The step's options; <paramref name="Width"/> is 0 for a batch as wide as its widest crop (within the bounds).</summary>
    public sealed record Settings(int Height, int Width, int MinWidth, int MaxWidth, PixelNormalization Normalization, float RotateThreshold, int MaxBatchPixels = CropFactory.DefaultMaxBatchPixels);

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var step = context.StepName;
        var image = ImageInput.Read(context, "image", out var imageHeight, out var imageWidth);
        var boxes = context.InputSpan<float>("boxes", DataType.Fp32);
        var boxShape = context.Input("boxes").Shape;
        if (boxShape.Rank != 2 || boxShape[1] != 4)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': input 'boxes' has shape {boxShape}; it must be [N, 4] with x0, y0, x1, y1 in image pixels, as text_boxes writes it");
        }

        var count = (int)boxShape[0];
        var orientation = ReadOrientation(context, count);

        var regions = new (int X, int Y, int Width, int Height)[count];
        var quads = ReadQuads(context, count, imageWidth, imageHeight);
        var widest = 0;
        for (var i = 0; i < count; i++)
        {
            regions[i] = Region(step, boxes.Slice(i * 4, 4), i, imageWidth, imageHeight);
            widest = Math.Max(widest, quads is null ? ResizedWidth(regions[i].Width, regions[i].Height, int.MaxValue) : ResizedWidth(quads[i], int.MaxValue));
        }

        var h = _settings.Height;
        var w = _settings.Width != 0 ? _settings.Width : Math.Clamp(widest, _settings.MinWidth, _settings.MaxWidth);
        if ((long)count * h * w > _settings.MaxBatchPixels)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': {count} crops of {h} × {w} are {(long)count * h * w} pixels; the limit is {_settings.MaxBatchPixels} per request (option max_batch_pixels); send a smaller image or one with fewer text lines");
        }

        var crops = context.Output<float>("crops", DataType.Fp32, TensorShape.Of(count, 3, h, w));
        var plane = 3 * h * w;
        for (var i = 0; i < count; i++)
        {
            var region = regions[i];
            var rotate = orientation.Length > 0 && orientation[(i * 2) + 1] > _settings.RotateThreshold;
            var output = crops.Slice(i * plane, plane);
            if (quads is null)
            {
                ImageSampler.Sample(
                    image, imageWidth, region.X, region.Y, region.Width, region.Height,
                    output, ImageSampler.Strides.Planar(h, w), ResizedWidth(region.Width, region.Height, w), h,
                    _settings.Normalization, rotate);
            }
            else
            {
                ImageSampler.SampleQuad(
                    image, imageWidth, imageHeight, quads[i],
                    output, ImageSampler.Strides.Planar(h, w), ResizedWidth(quads[i], w), h,
                    _settings.Normalization, rotate);
            }
        }
    }

    // PaddleOCR: resized width = min(batch width, ceil(height × crop aspect)); the rest stays 0.
    private int ResizedWidth(double width, double height, int limit) =>
        (int)Math.Clamp(Math.Ceiling(_settings.Height * width / height), 1, limit);

    private int ResizedWidth(Vector2[] quad, int limit)
    {
        var (width, height) = QuadSize(quad);
        return ResizedWidth(width, height, limit);
    }

    // PaddleOCR's crop size of a quad: its longer top/bottom side by its longer left/right side,
    // at least 1 (a detector's speck scaled down to under a pixel still gets a crop).
    private static (float Width, float Height) QuadSize(Vector2[] quad) =>
        (Math.Max(1, Math.Max(Vector2.Distance(quad[0], quad[1]), Vector2.Distance(quad[3], quad[2]))),
         Math.Max(1, Math.Max(Vector2.Distance(quad[0], quad[3]), Vector2.Distance(quad[1], quad[2]))));

    // The quads as corner arrays (top-left, top-right, bottom-right, bottom-left), a vertical
    // one relabelled so that its crop is turned 90° counter-clockwise; null when not wired.
    private static Vector2[][]? ReadQuads(ProcessorContext context, int count, int imageWidth, int imageHeight)
    {
        if (context.OptionalInput("quads") is not { } tensor)
        {
            return null;
        }

        var values = context.InputSpan<float>("quads", DataType.Fp32);
        if (tensor.Shape.Rank != 3 || tensor.Shape[0] != count || tensor.Shape[1] != 4 || tensor.Shape[2] != 2)
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'quads' has shape {tensor.Shape}; it must be [{count}, 4, 2] (four x, y corners for each of the {count} boxes, as text_boxes writes them)");
        }

        var quads = new Vector2[count][];
        for (var i = 0; i < count; i++)
        {
            var q = values.Slice(i * 8, 8);
            for (var k = 0; k < 8; k++)
            {
                // Corners may lie a little outside (a clamped unclip does not), not anywhere: far
                // ones would overflow the sampler's arithmetic into NaN pixels.
                var limit = k % 2 == 0 ? imageWidth : imageHeight;
                if (!float.IsFinite(q[k]) || q[k] < -limit || q[k] > 2f * limit)
                {
                    throw MaasError.InvalidArgument($"step '{context.StepName}': quad {i} has coordinate {q[k]}, which is not a finite number within one image size of the {imageWidth}×{imageHeight} image");
                }
            }

            Vector2[] corners = [new(q[0], q[1]), new(q[2], q[3]), new(q[4], q[5]), new(q[6], q[7])];
            var (width, height) = QuadSize(corners);

            // Turning the crop 90° counter-clockwise puts its right side on top: the top-right
            // corner becomes the top-left one.
            quads[i] = height >= 1.5f * width ? [corners[1], corners[2], corners[3], corners[0]] : corners;
        }

        return quads;
    }

    private static ReadOnlySpan<float> ReadOrientation(ProcessorContext context, int count)
    {
        if (context.OptionalInput("orientation") is not { } tensor)
        {
            return default;
        }

        var values = context.InputSpan<float>("orientation", DataType.Fp32);
        if (tensor.Shape.Rank != 2 || tensor.Shape[0] != count || tensor.Shape[1] != 2)
        {
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'orientation' has shape {tensor.Shape}; it must be [{count}, 2] (the [0°, 180°] probabilities of each of the {count} boxes)");
        }

        return values;
    }

    private static (int X, int Y, int Width, int Height) Region(string step, ReadOnlySpan<float> box, int index, int imageWidth, int imageHeight)
    {
        if (!float.IsFinite(box[0]) || !float.IsFinite(box[1]) || !float.IsFinite(box[2]) || !float.IsFinite(box[3]))
        {
            throw MaasError.InvalidArgument($"step '{step}': box {index} has a coordinate that is not a finite number");
        }

        var x0 = Math.Clamp((int)Math.Floor(box[0]), 0, imageWidth);
        var y0 = Math.Clamp((int)Math.Floor(box[1]), 0, imageHeight);
        var x1 = Math.Clamp((int)Math.Ceiling(box[2]), 0, imageWidth);
        var y1 = Math.Clamp((int)Math.Ceiling(box[3]), 0, imageHeight);
        if (x1 <= x0 || y1 <= y0)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': box {index} ({box[0]}, {box[1]}, {box[2]}, {box[3]}) covers no pixel of the {imageWidth}×{imageHeight} image; boxes are x0, y0, x1, y1 with x0 < x1 and y0 < y1, in image pixels");
        }

        return (x0, y0, x1 - x0, y1 - y0);
    }
}
