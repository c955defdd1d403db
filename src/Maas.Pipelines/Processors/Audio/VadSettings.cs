namespace Maas.Pipelines.Processors.Audio;

/// <summary>The thresholds and durations of <c>vad_segments</c>, with durations in samples.</summary>
/// <param name="Threshold">A frame at or above this probability is speech.</param>
/// <param name="NegativeThreshold">A frame below this probability is silence; between the two, the state holds.</param>
/// <param name="MinSpeech">Segments this long or shorter are dropped, in samples.</param>
/// <param name="MinSilence">Silence this long ends a segment, in samples.</param>
/// <param name="SpeechPad">Padding added to each side of a segment, in samples.</param>
/// <param name="FrameSamples">Samples per probability (the VAD's window).</param>
/// <param name="SampleRate">Samples per second, to report seconds.</param>
internal sealed record VadSettings(
    double Threshold,
    double NegativeThreshold,
    long MinSpeech,
    long MinSilence,
    long SpeechPad,
    int FrameSamples,
    int SampleRate);
