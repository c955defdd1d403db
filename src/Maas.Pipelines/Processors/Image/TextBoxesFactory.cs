namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// <c>text_boxes</c>: text boxes from a text-detection probability map (PaddleOCR's DB
/// post-processing: upright boxes and rotated quads). Options: <c>threshold</c> (0.3),
/// <c>box_threshold</c> (0.6), <c>min_size</c> (3), <c>unclip_ratio</c> (1.5),
/// <c>max_boxes</c> (1000, at most 100,000), <c>connectivity</c> (8 | 4).
/// </summary>
internal sealed class TextBoxesFactory : IProcessorFactory
{
    /// <inheritdoc/>
    public string Kind => "text_boxes";

    /// <inheritdoc/>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new TextBoxesProcessor.Settings(
            Threshold: (float)options.GetDouble("threshold", 0.3, 0, 1),
            BoxThreshold: (float)options.GetDouble("box_threshold", 0.6, 0, 1),
            MinSize: options.GetInt("min_size", 3, 1, 10_000),
            UnclipRatio: options.GetDouble("unclip_ratio", 1.5, 0, 100),
            MaxBoxes: options.GetInt("max_boxes", 1000, 1, 100_000),
            EightConnected: options.GetInt("connectivity", 8, 4, 8) switch
            {
                8 => true,
                4 => false,
                _ => Bad(options),
            });
        options.ThrowIfInvalid(Kind);
        return new TextBoxesProcessor(settings);
    }

    private static bool Bad(ProcessorOptions options)
    {
        options.AddError("'connectivity' must be 4 (edge neighbours) or 8 (edge and corner neighbours)");
        return true;
    }
}
