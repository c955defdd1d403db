namespace Maas.Pipelines.Processors.Audio;

/// <summary>Creates <see cref="VadSegmentsProcessor"/> (<c>vad_segments</c>) from a step's options.</summary>
public sealed class VadSegmentsFactory : IProcessorFactory
{
    /// <summary>The longest duration option, in milliseconds.</summary>
    public const int MaxMilliseconds = 600_000;

    /// <inheritdoc/>
    public string Kind => "vad_segments";

    /// <summary>
    /// Reads <c>threshold</c> (0.5), <c>negative_threshold</c> (threshold − 0.15, at least 0.01),
    /// <c>min_speech_ms</c> (250), <c>min_silence_ms</c> (100), <c>speech_pad_ms</c> (30),
    /// <c>frame_samples</c> (512) and <c>sample_rate</c> (16000), Silero's defaults.
    /// </summary>
    public Processor Create(ProcessorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var threshold = options.GetDouble("threshold", 0.5, 0, 1);
        var negative = options.GetDouble("negative_threshold", Math.Max(threshold - 0.15, 0.01), 0, 1);
        var minSpeechMs = options.GetInt("min_speech_ms", 250, 0, MaxMilliseconds);
        var minSilenceMs = options.GetInt("min_silence_ms", 100, 0, MaxMilliseconds);
        var padMs = options.GetInt("speech_pad_ms", 30, 0, MaxMilliseconds);
        var frameSamples = options.GetInt("frame_samples", 512, 1, AudioFramesFactory.MaxSamples);
        var sampleRate = options.GetInt("sample_rate", 16_000, WavDecodeFactory.LowestRate, WavDecodeFactory.HighestRate);
        if (negative > threshold)
        {
            options.AddError($"'negative_threshold' ({negative}) is above 'threshold' ({threshold}); it must be at most the threshold");
        }

        options.ThrowIfInvalid(Kind);
        return new VadSegmentsProcessor(new VadSettings(
            threshold,
            negative,
            Samples(minSpeechMs, sampleRate),
            Samples(minSilenceMs, sampleRate),
            Samples(padMs, sampleRate),
            frameSamples,
            sampleRate));
    }

    private static long Samples(int milliseconds, int sampleRate) => (long)milliseconds * sampleRate / 1000;
}
