namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// <c>image_decode</c>: one encoded PNG, JPEG, WebP, BMP or GIF file to UINT8 [H, W, 3] RGB.
/// Options: <c>max_pixels</c> (default 16,777,216 = 4096², at most 268,435,456) and
/// <c>max_bytes</c> (default 20 MiB, at most 1 GiB).
/// </summary>
internal sealed class ImageDecodeFactory : IProcessorFactory
{
    /// <summary>Default limit on width × height (4096²).</summary>
    public const int DefaultMaxPixels = 4096 * 4096;

    /// <summary>Default limit on the encoded file's size in bytes (20 MiB).</summary>
    public const int DefaultMaxBytes = 20 * 1024 * 1024;

    /// <inheritdoc/>
    public string Kind => "image_decode";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // 16384² pixels: the decoder's RGBA scratch (4 bytes a pixel) must stay under 2 GiB.
        var maxPixels = options.GetInt("max_pixels", DefaultMaxPixels, 1, 16384 * 16384);
        var maxBytes = options.GetInt("max_bytes", DefaultMaxBytes, 1, 1 << 30);
        options.ThrowIfInvalid(Kind);
        return new ImageDecodeProcessor(maxPixels, maxBytes);
    }
}
