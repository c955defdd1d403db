namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// <c>crop</c>: cuts boxes out of an image into a batch of normalized text-line crops.
/// Options: <c>height</c> (48); <c>width</c> (a fixed width) or <c>max_width</c> (1280) with
/// <c>min_width</c> (320) for a batch as wide as its widest crop; <c>mean</c>, <c>std</c>
/// (0.5 each), <c>scale</c> (1/255), <c>channel_order</c> (BGR, what PaddleOCR trains on),
/// <c>rotate_threshold</c> (0.9), <c>max_batch_pixels</c> (crops × height × width per request,
/// 4,194,304).
/// </summary>
internal sealed class CropFactory : IProcessorFactory
{
    /// <summary>The largest crop side any option may ask for.</summary>
    public const int MaxSide = 8192;

    /// <summary>
    /// Default <c>max_batch_pixels</c>: 4,194,304 (2²²), e.g. 68 full-width lines of 48 × 1280.
    /// The next model's input and output grow with it (PaddleOCR's recognizer answers 6,625 floats
    /// per 8 columns: about 290 MB at this budget), so it bounds what one image can cost.
    /// </summary>
    public const int DefaultMaxBatchPixels = 1 << 22;

    /// <inheritdoc/>
    public string Kind => "crop";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var height = options.GetInt("height", 48, 1, 1024);
        // 0 (outside the allowed ranges) marks an option that was not given.
        var width = options.GetInt("width", 0, 1, MaxSide);
        var maxWidth = options.GetInt("max_width", 0, 1, MaxSide);
        var minWidth = options.GetInt("min_width", 0, 1, MaxSide);
        if (width != 0 && (maxWidth != 0 || minWidth != 0))
        {
            options.AddError("'width' (every crop padded to one fixed width) cannot be combined with 'max_width' or 'min_width' (a batch as wide as its widest crop); keep one of them");
        }

        maxWidth = maxWidth == 0 ? 1280 : maxWidth;
        minWidth = minWidth == 0 ? Math.Min(320, maxWidth) : minWidth;
        if (minWidth > maxWidth)
        {
            options.AddError($"'min_width' ({minWidth}) must not exceed 'max_width' ({maxWidth})");
        }

        // Each pixel is 3 FP32 values of one output tensor, which must fit in one array.
        var maxBatchPixels = options.GetInt("max_batch_pixels", DefaultMaxBatchPixels, 1, Array.MaxLength / (3 * sizeof(float)));
        var widestCrop = width != 0 ? width : maxWidth;
        if ((long)height * widestCrop > maxBatchPixels)
        {
            options.AddError($"'max_batch_pixels' ({maxBatchPixels}) is below one crop of {height} × {widestCrop}; raise it or lower the crop size");
        }

        var normalization = PixelNormalization.Read(options, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f], "BGR");
        var rotateThreshold = (float)options.GetDouble("rotate_threshold", 0.9, 0, 1);
        options.ThrowIfInvalid(Kind);
        return new CropProcessor(new CropProcessor.Settings(height, width, minWidth, maxWidth, normalization, rotateThreshold, maxBatchPixels));
    }
}
