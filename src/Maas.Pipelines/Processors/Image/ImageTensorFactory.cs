namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// <c>image_tensor</c>: resizes and normalizes an RGB image into a model's FP32 input.
/// Options: <c>size</c> [h, w] (fixed resize), or <c>max_side</c> (default 960) and
/// <c>multiple_of</c> (default 32) for an aspect-keeping resize; <c>mean</c>, <c>std</c> (ImageNet
/// defaults), <c>scale</c> (1/255), <c>layout</c> (NCHW | NHWC), <c>channel_order</c> (RGB | BGR).
/// </summary>
internal sealed class ImageTensorFactory : IProcessorFactory
{
    /// <summary>The largest output side any option may ask for.</summary>
    public const int MaxSide = 8192;

    /// <inheritdoc/>
    public string Kind => "image_tensor";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var size = options.GetInts("size", null, 2, 1, MaxSide);
        // 0 (outside the allowed range) marks an option that was not given.
        var maxSide = options.GetInt("max_side", 0, 1, MaxSide);
        var multipleOf = options.GetInt("multiple_of", 0, 1, 1024);
        if (size is not null && (maxSide != 0 || multipleOf != 0))
        {
            options.AddError("'size' (a fixed resize) cannot be combined with 'max_side' or 'multiple_of' (an aspect-keeping resize); keep one of them");
        }

        maxSide = maxSide == 0 ? 960 : maxSide;
        multipleOf = multipleOf == 0 ? 32 : multipleOf;
        if (multipleOf > maxSide)
        {
            options.AddError($"'multiple_of' ({multipleOf}) must not exceed 'max_side' ({maxSide})");
        }

        var normalization = PixelNormalization.Read(options, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f], "RGB");
        var nhwc = options.GetChoice("layout", "NCHW", "NCHW", "NHWC") == "NHWC";
        options.ThrowIfInvalid(Kind);
        return new ImageTensorProcessor(size, maxSide, multipleOf, normalization, nhwc);
    }
}
