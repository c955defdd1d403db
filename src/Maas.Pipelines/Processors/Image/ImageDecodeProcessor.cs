using Maas.Errors;
using Maas.Tensors;
using SkiaSharp;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Decodes one encoded image (BYTES, exactly one element) to UINT8 [H, W, 3] RGB, compositing any
/// alpha over white and turning it upright by its EXIF orientation (a phone photo held sideways is
/// stored sideways with a tag that says so; models expect what a viewer shows). The size limits
/// are checked on the file and on the header's dimensions before any pixel is decoded. Animated
/// formats give their first frame.
/// </summary>
internal sealed class ImageDecodeProcessor : Processor
{
    private static readonly Port[] InputPorts = [new("image", DataType.Bytes)];
    private static readonly Port[] OutputPorts = [new("image", DataType.UInt8)];

    private readonly int _maxPixels;
    private readonly int _maxBytes;

    /// <summary>Creates the processor with its limits (pixels = width × height; bytes of the encoded file).</summary>
    public ImageDecodeProcessor(int maxPixels, int maxBytes)
    {
        _maxPixels = maxPixels;
        _maxBytes = maxBytes;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Inputs => InputPorts;

    /// <inheritdoc/>
    public override IReadOnlyList<Port> Outputs => OutputPorts;

    /// <inheritdoc/>
    public override void Run(ProcessorContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input("image");
        var file = context.SingleBytesElement("image", "the encoded image file", "Send one image per request");
        var step = context.StepName;
        if (file.Length > _maxBytes)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': the encoded image is {file.Length} bytes; the limit is {_maxBytes} (option 'max_bytes'). Send a smaller or more compressed file");
        }

        using var data = SKData.CreateCopy(file);
        using var codec = SKCodec.Create(data)
            ?? throw MaasError.InvalidArgument(
                $"step '{step}': input 'image' ({input.Name}) is not a PNG, JPEG, WebP, BMP or GIF file that can be decoded ({file.Length} bytes). Send the file's bytes unchanged, one file per request");
        var width = codec.Info.Width;
        var height = codec.Info.Height;
        if (width < 1 || height < 1 || (long)width * height > _maxPixels)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': the image is {width}×{height} = {(long)width * height} pixels; the limit is {_maxPixels} (option 'max_pixels'). Downscale the image before sending it");
        }

        // Premultiplied RGBA: compositing over white is then p + (255 - alpha) per channel.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw MaasError.InvalidArgument(
                $"step '{step}': the {codec.EncodedFormat} image ({width}×{height}) could not be decoded: {result}. The file is truncated or corrupt; send it again unchanged");
        }

        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        var origin = codec.EncodedOrigin;
        if (origin is < SKEncodedOrigin.TopRight or > SKEncodedOrigin.LeftBottom)
        {
            // Upright already (no tag, TopLeft, or a value EXIF does not define): one pass in storage order.
            var upright = context.Output<byte>("image", DataType.UInt8, TensorShape.Of(height, width, 3));
            for (var i = 0; i < width * height; i++)
            {
                OverWhite(rgba, i * 4, upright, i * 3);
            }

            return;
        }

        var swapsSides = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (outWidth, outHeight) = swapsSides ? (height, width) : (width, height);
        var rgb = context.Output<byte>("image", DataType.UInt8, TensorShape.Of(outHeight, outWidth, 3));
        var d = 0;
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++, d += 3)
            {
                var (sx, sy) = Source(origin, x, y, width, height);
                OverWhite(rgba, ((sy * width) + sx) * 4, rgb, d);
            }
        }
    }

    // Premultiplied RGBA at s to RGB over white at d.
    private static void OverWhite(ReadOnlySpan<byte> rgba, int s, Span<byte> rgb, int d)
    {
        var white = (byte)(255 - rgba[s + 3]);
        rgb[d] = (byte)(rgba[s] + white);
        rgb[d + 1] = (byte)(rgba[s + 1] + white);
        rgb[d + 2] = (byte)(rgba[s + 2] + white);
    }

    // The stored pixel that shows at (x, y) of the upright image. EXIF names where the stored
    // row 0 and column 0 appear: RightTop (6) puts row 0 on the right, column 0 at the top.
    private static (int X, int Y) Source(SKEncodedOrigin origin, int x, int y, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => (width - 1 - x, y),
        SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
        SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
        SKEncodedOrigin.LeftTop => (y, x),
        SKEncodedOrigin.RightTop => (y, height - 1 - x),
        SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
        SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
        _ => (x, y),
    };
}
