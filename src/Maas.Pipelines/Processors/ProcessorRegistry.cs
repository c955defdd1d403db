namespace Maas.Pipelines.Processors;

/// <summary>The built-in processors a pipeline step can name, by <see cref="IProcessorFactory.Kind"/>.</summary>
public static class ProcessorRegistry
{
    private static readonly IProcessorFactory[] Factories =
    [
        // Text
        new Text.WordPieceTokenizerFactory(), new Text.BpeTokenizerFactory(), new Text.MeanPoolFactory(),
        // Image
        new Image.ImageDecodeFactory(), new Image.ImageTensorFactory(), new Image.TextBoxesFactory(), new Image.CropFactory(), new Image.CtcDecodeFactory(),
        // Audio
        new Audio.WavDecodeFactory(), new Audio.AudioFramesFactory(), new Audio.VadSegmentsFactory(),
        // Outputs
        new Text.TopKFactory(),
    ];

    private static readonly Dictionary<string, IProcessorFactory> ByKind = Factories.ToDictionary(f => f.Kind, StringComparer.Ordinal);

    /// <summary>Every kind, sorted, for messages and docs.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. ByKind.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The factory for <paramref name="kind"/>, or null.</summary>
    public static IProcessorFactory? Find(string kind) => ByKind.GetValueOrDefault(kind);
}
