namespace Maas.Pipelines.Processors.Audio;

/// <summary>
/// Where a <see cref="SincResampler"/> stands in one stream: the input samples the next outputs
/// still need and the exact position of the next output. Kept in sequence state between chunks,
/// so chunked and whole-stream resampling give the same samples.
/// </summary>
internal sealed class ResamplerState
{
    /// <summary>Input samples from <see cref="HistoryStart"/> on; the first <see cref="HistoryCount"/> are valid.</summary>
    public float[] History { get; set; } = [];

    /// <summary>Stream index of <c>History[0]</c>.</summary>
    public long HistoryStart { get; set; }

    /// <summary>Valid samples in <see cref="History"/>.</summary>
    public int HistoryCount { get; set; }

    /// <summary>Integer part of the next output's position, in input samples.</summary>
    public long Position { get; set; }

    /// <summary>Fractional part of the next output's position, in units of 1/output rate (exact).</summary>
    public long Phase { get; set; }

    /// <summary>Forgets the stream, for a new one.</summary>
    public void Reset()
    {
        HistoryStart = 0;
        HistoryCount = 0;
        Position = 0;
        Phase = 0;
    }
}
