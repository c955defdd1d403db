using Maas.Tensors;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Resizes a UINT8 [H, W, 3] image (bilinear) and normalizes it to FP32 [1, 3, h, w] (or
/// [1, h, w, 3]); also writes <c>scale</c> = (h / H, w / W) so later steps can map model
/// coordinates back to the original image.
/// </summary>
internal sealed class ImageTensorProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("image", DataType.UInt8)];
    private static readonly Port[] OutputPorts = [new("tensor", DataType.Fp32), new("scale", DataType.Fp32, Optional: true)];

    private readonly int[]? _size;
    private readonly int _maxSide;
    private readonly int _multipleOf;
    private readonly PixelNormalization _normalization;
    private readonly bool _nhwc;

    /// <summary>Creates the processor; <paramref name="size"/> [h, w] wins over the aspect-keeping resize when set.</summary>
    public ImageTensorProcessor(int[]? size, int maxSide, int multipleOf, PixelNormalization normalization, bool nhwc)
    {
        _size = size;
        _maxSide = maxSide;
        _multipleOf = multipleOf;
        _normalization = normalization;
        _nhwc = nhwc;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <summary>
    /// The output size for an image of <paramref name="height"/> × <paramref name="width"/>:
    /// PaddleOCR's "limit side" resize. The image is scaled down (never up) so its longer side is at
    /// most <paramref name="maxSide"/>, then each side is rounded to the nearest multiple of
    /// <paramref name="multipleOf"/>, at least one multiple.
    /// </summary>
    public static (int Height, int Width) LimitSide(int height, int width, int maxSide, int multipleOf)
    {
        var longer = Math.Max(height, width);
        var ratio = longer > maxSide ? (double)maxSide / longer : 1.0;
        return (Round((int)(height * ratio)), Round((int)(width * ratio)));

        int Round(int side) => Math.Max((int)Math.Round((double)side / multipleOf, MidpointRounding.ToEven) * multipleOf, multipleOf);
    }

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var image = ImageInput.Read(context, "image", out var height, out var width);
        var (outHeight, outWidth) = _size is { } size ? (size[0], size[1]) : LimitSide(height, width, _maxSide, _multipleOf);

        var shape = _nhwc ? TensorShape.Of(1, outHeight, outWidth, 3) : TensorShape.Of(1, 3, outHeight, outWidth);
        var tensor = context.Output<float>("tensor", DataType.Fp32, shape);
        var strides = _nhwc ? ImageSampler.Strides.Interleaved(outWidth) : ImageSampler.Strides.Planar(outHeight, outWidth);
        ImageSampler.Sample(image, width, 0, 0, width, height, tensor, strides, outWidth, outHeight, _normalization);

        var scale = context.Output<float>("scale", DataType.Fp32, TensorShape.Of(2));
        scale[0] = (float)outHeight / height;
        scale[1] = (float)outWidth / width;
    }
}
