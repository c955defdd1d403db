namespace Maas.Pipelines.Processors.Audio;

/// <summary>The parts of a WAV file's <c>fmt </c> chunk that decoding needs.</summary>
/// <param name="Encoding">Integer PCM or IEEE float.</param>
/// <param name="Channels">Interleaved channels per frame (at least 1).</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="BitsPerSample">Container bits per sample: 8, 16, 24, 32 (or 64 for float).</param>
internal readonly record struct WavFormat(WavEncoding Encoding, int Channels, int SampleRate, int BitsPerSample)
{
    /// <summary>Bytes per sample of one channel.</summary>
    public int BytesPerSample => BitsPerSample / 8;

    /// <summary>Bytes per frame (one sample of every channel).</summary>
    public int BlockAlign => BytesPerSample * Channels;

    /// <summary>For messages, e.g. "16-bit PCM, 2 channels, 44100 Hz".</summary>
    public override string ToString() =>
        $"{BitsPerSample}-bit {(Encoding == WavEncoding.Pcm ? "PCM" : "float")}, {Channels} channel{(Channels == 1 ? "" : "s")}, {SampleRate} Hz";
}
