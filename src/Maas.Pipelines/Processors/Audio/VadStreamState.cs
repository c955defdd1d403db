namespace Maas.Pipelines.Processors.Audio;

/// <summary>What <c>vad_segments</c> keeps for one sequence: its segmenter, replaced when a sequence restarts.</summary>
internal sealed class VadStreamState
{
    /// <summary>The stream's segmenter.</summary>
    public VadSegmenter Segmenter { get; private set; } = new();

    /// <summary>Starts a new stream and returns its segmenter.</summary>
    public VadSegmenter Restart() => Segmenter = new VadSegmenter();
}
