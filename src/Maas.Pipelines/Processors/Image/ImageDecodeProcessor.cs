using Maas.Errors;
using Maas.Tensors;
using SkiaSharp;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// Decodes one encoded image (BYTES, exactly one element) to UINT8 [H, W, 3] RGB, compositing any
/// alpha over white. The size limits are checked on the file and on the header's dimensions
/// before any pixel is decoded. Animated formats give their first frame.
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
        var file = SingleElement(context, input);
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
        var rgb = context.Output<byte>("image", DataType.UInt8, TensorShape.Of(height, width, 3));
        var pixels = width * height;
        for (var i = 0; i < pixels; i++)
        {
            var s = i * 4;
            var d = i * 3;
            var white = (byte)(255 - rgba[s + 3]);
            rgb[d] = (byte)(rgba[s] + white);
            rgb[d + 1] = (byte)(rgba[s + 1] + white);
            rgb[d + 2] = (byte)(rgba[s + 2] + white);
        }
    }

    private static ReadOnlySpan<byte> SingleElement(ProcessorContext context, Tensor input)
    {
        var data = input.Data.Span;
        if (input.DataType != DataType.Bytes || !BytesElements.TryCount(data, out var count, out _) || count != 1)
        {
            var what = input.DataType != DataType.Bytes
                ? input.DataType.WireName()
                : BytesElements.TryCount(data, out var n, out _) ? $"BYTES with {n} elements" : "malformed BYTES";
            throw MaasError.InvalidArgument(
                $"step '{context.StepName}': input 'image' ({input.Name}) is {what} {input.Shape}; it must be BYTES with exactly one element, the encoded image file. Send one image per request");
        }

        foreach (var element in BytesElements.Enumerate(data))
        {
            return element;
        }

        return default;
    }
}
