namespace Maas.Pipelines.Processors.Audio;

/// <summary>What <c>wav_decode</c> keeps for one sequence: the first chunk's format and the resampler's place.</summary>
internal sealed class WavStreamState
{
    /// <summary>The format of the sequence's first chunk; null before it.</summary>
    public WavFormat? Format { get; set; }

    /// <summary>The resampler's history and phase.</summary>
    public ResamplerState Resampler { get; } = new();

    /// <summary>Forgets the stream, for a new sequence.</summary>
    public void Reset()
    {
        Format = null;
        Resampler.Reset();
    }
}
