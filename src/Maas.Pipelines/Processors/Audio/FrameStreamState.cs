namespace Maas.Pipelines.Processors.Audio;

/// <summary>What <c>audio_frames</c> keeps for one sequence between requests.</summary>
internal sealed class FrameStreamState
{
    /// <summary>Creates the state of a new stream for rows of <paramref name="context"/> old samples.</summary>
    public FrameStreamState(int context)
    {
        Context = new float[context];
    }

    /// <summary>Samples not yet in a frame (fewer than one frame).</summary>
    public float[] Leftover { get; set; } = [];

    /// <summary>The last context samples of the previous row; zeros at the start of the stream.</summary>
    public float[] Context { get; }

    /// <summary>Stream index of the first sample of <see cref="Leftover"/>.</summary>
    public long NextStart { get; set; }

    /// <summary>Forgets the stream, for a new sequence.</summary>
    public void Reset()
    {
        Leftover = [];
        Array.Clear(Context);
        NextStart = 0;
    }
}
